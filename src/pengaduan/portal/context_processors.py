from django.utils.functional import SimpleLazyObject

from pengaduan.units.selectors import portal_unit


def portal(request):
    """The portal's unit for the public header, looked up only when a template uses it."""
    return {"portal_unit": SimpleLazyObject(portal_unit)}
