"""The registry of step kinds: every kind registers itself here, every other module asks here.

Like the admin's `site.register`: a kind module decorates its class with `@register`; the complaints app
imports every module of this package (and any installed app's `step_kinds` module) when it is ready.
Registering a kind also gives the SOP layer its entry (`pengaduan.sop.kinds`), so SOP files may name it.
"""

from __future__ import annotations

import importlib
import pkgutil
from contextlib import contextmanager

from pengaduan.complaints.kinds.base import StepKind
from pengaduan.sop import kinds as sop_kinds


class AlreadyRegistered(Exception):
    pass


class UnknownKind(KeyError, LookupError):
    pass


class KindRegistry:
    def __init__(self):
        self._kinds: dict[str, StepKind] = {}

    def register(self, kind_class: type[StepKind]) -> type[StepKind]:
        """Register a StepKind subclass (usable as a class decorator)."""
        kind = kind_class()
        if not kind.name:
            raise ValueError(f"{kind_class.__name__} has no name")
        if kind.name in self._kinds and type(self._kinds[kind.name]) is not kind_class:
            raise AlreadyRegistered(f"a step kind named {kind.name!r} is already registered")
        self._kinds[kind.name] = kind
        sop_kinds.register(kind.sop_kind())
        return kind_class

    def unregister(self, name: str) -> None:
        self._kinds.pop(name, None)
        sop_kinds.unregister(name)

    @contextmanager
    def registered(self, kind_class: type[StepKind]):
        """The kind registered for the duration of a `with` block (tests, worked examples)."""
        self.register(kind_class)
        try:
            yield self._kinds[kind_class.name]
        finally:
            self.unregister(kind_class.name)

    def get(self, name: str) -> StepKind:
        try:
            return self._kinds[name]
        except KeyError:
            raise UnknownKind(name) from None

    def __contains__(self, name: str) -> bool:
        return name in self._kinds

    def all(self) -> list[StepKind]:
        """Every kind, in workflow order."""
        return sorted(self._kinds.values(), key=lambda kind: (kind.order, kind.name))

    def names(self) -> list[str]:
        return [kind.name for kind in self.all()]

    def having(self, flag: str) -> list[StepKind]:
        """The kinds with a capability set, e.g. `having("identity_fields")` or `having("register_columns")`."""
        return [kind for kind in self.all() if getattr(kind, flag)]

    def names_having(self, flag: str) -> list[str]:
        return [kind.name for kind in self.having(flag)]

    def one(self, flag: str) -> StepKind:
        """The kind that does something only one kind does, e.g. `one("produces_decision")`."""
        found = self.having(flag)
        if len(found) != 1:
            raise LookupError(f"exactly one step kind must have {flag!r}; found {[kind.name for kind in found]}")
        return found[0]


kinds = KindRegistry()
register = kinds.register
get_kind = kinds.get


def autodiscover() -> None:
    """Import every kind module of this package, then each installed app's `step_kinds` module."""
    from django.utils.module_loading import autodiscover_modules

    import pengaduan.complaints.kinds as package

    for module in pkgutil.iter_modules(package.__path__):
        if module.name not in {"base", "registry"}:
            importlib.import_module(f"{package.__name__}.{module.name}")
    autodiscover_modules("step_kinds")
