from django.utils.safestring import mark_safe


def bad(request):
    name = request.GET["name"]
    # ruleid: no-mark-safe-on-variable
    return mark_safe(name)


def bad_fstring(name):
    # ruleid: no-mark-safe-on-variable
    return mark_safe(f"<b>{name}</b>")


def ok():
    # ok: no-mark-safe-on-variable
    return mark_safe("<br>")
