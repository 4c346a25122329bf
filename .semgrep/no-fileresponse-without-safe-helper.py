from django.http import FileResponse


def bad(document):
    # ruleid: no-fileresponse-without-safe-helper
    return FileResponse(document.file.open("rb"), content_type="application/pdf")


def ok(document):
    # ok: no-fileresponse-without-safe-helper
    return FileResponse(document.file.open("rb"), as_attachment=True, filename="surat.pdf")
