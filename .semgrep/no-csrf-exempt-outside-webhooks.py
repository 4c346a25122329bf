from django.views.decorators.csrf import csrf_exempt


# ruleid: no-csrf-exempt-outside-webhooks
@csrf_exempt
def profile_update(request):
    return None


def wrap(view):
    # ruleid: no-csrf-exempt-outside-webhooks
    return csrf_exempt(view)


# ok: no-csrf-exempt-outside-webhooks
def profile(request):
    return None
