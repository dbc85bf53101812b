"""`pengaduan pdp`: a data subject's export, and erasure of identities at the end of retention."""

import json

from django.core.management.base import BaseCommand, CommandError

from pengaduan.complaints import pdp


class Command(BaseCommand):
    help = ("Personal data: `pdp export --complainant EMAIL|PHONE|CODE`, `pdp erase [--dry-run]` (end of retention, "
            "safe to rerun), `pdp erase --complainant EMAIL|PHONE|CODE` (at the data subject's request).")

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        export = sub.add_parser("export", help="everything held about a complainant, and who processed it (JSON)")
        export.add_argument("--complainant", required=True, help="e-mail, telephone number or tracking code")
        export.add_argument("-o", "--output", help="file to write (default: standard output)")
        erase = sub.add_parser("erase", help="erase identities whose retention period has ended, or one complainant's")
        erase.add_argument("--dry-run", action="store_true", help="only count")
        erase.add_argument("--complainant", help="erase this complainant's identity now (e-mail, telephone, code)")
        erase.add_argument("--years", type=int, help="retention in years (default: IDENTITY_RETENTION_YEARS)")

    def handle(self, *args, action, **options):
        if action == "export":
            data = pdp.export(reference=options["complainant"])
            if not data["complaints"]:
                raise CommandError("No complaint was found for that e-mail, telephone number or tracking code.")
            text = json.dumps(data, ensure_ascii=False, indent=2)
            if options.get("output"):
                with open(options["output"], "w", encoding="utf-8") as out:
                    out.write(text)
                self.stdout.write(f"{len(data['complaints'])} complaint(s) exported to {options['output']}")
            else:
                self.stdout.write(text)
        elif options.get("complainant"):
            found = pdp.complaints_of(options["complainant"]).count()
            if not found:
                raise CommandError("No complaint was found for that e-mail, telephone number or tracking code.")
            count = found if options["dry_run"] else pdp.erase_subject(reference=options["complainant"],
                                                                       where="pdp erase --complainant")
            verb = "would be erased" if options["dry_run"] else "erased"
            self.stdout.write(f"{count} identities {verb}.")
        else:
            count = pdp.erase_expired(years=options.get("years"), dry_run=options["dry_run"])
            verb = "would be erased" if options["dry_run"] else "erased"
            self.stdout.write(f"{count} identities {verb}.")
