def bad(application):
    # ruleid: no-print
    print("submitted", application.pk)


def ok(logger, application):
    # ok: no-print
    logger.info("submitted %s", application.pk)
