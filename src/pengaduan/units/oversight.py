"""The Pemda-wide oversight role: read-only, across every unit, with complainants' identities always masked.

Who: the Sekda's office, or the Inspektorat as APIP, watching that every unit follows its complaints up
(PermenPANRB 62/2018). How: the Django permission `units.oversee_units`, given to a user directly or, as the
demo and docs/oversight.md do, through the group "Pengawasan Pemda" (created by a migration). It is granted
explicitly: a superuser is an administrator, not an overseer, unless given the permission like anyone else.
An overseer reads the oversight dashboard, the complaint pages behind it and the staff API's complaint
lists and details of any unit; every write stays with the unit's officers (the engine checks their roles).
"""

from django.contrib.auth.models import Permission
from django.db.models import Q

OVERSIGHT_PERMISSION = "units.oversee_units"
OVERSIGHT_GROUP = "Pengawasan Pemda"


def oversees(user) -> bool:
    """Whether the user holds the oversight role (explicitly: directly or through a group). Remembered on the
    user object for the request, as its roles are."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    remembered = getattr(user, "_oversees", None)
    if remembered is None:
        app_label, codename = OVERSIGHT_PERMISSION.split(".")
        remembered = Permission.objects.filter(
            Q(user=user) | Q(group__user=user), content_type__app_label=app_label, codename=codename,
        ).exists()
        user._oversees = remembered
    return remembered


def overseers():
    """The users who hold the oversight role (directly or through a group), active or not."""
    from django.contrib.auth import get_user_model

    app_label, codename = OVERSIGHT_PERMISSION.split(".")
    permission = Permission.objects.filter(content_type__app_label=app_label, codename=codename).first()
    if permission is None:
        return get_user_model().objects.none()
    return get_user_model().objects.filter(Q(user_permissions=permission) | Q(groups__permissions=permission)).distinct()
