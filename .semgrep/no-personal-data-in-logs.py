import logging

logger = logging.getLogger(__name__)


def bad(user, phone):
    # ruleid: no-personal-data-in-logs
    logger.info("signed in %s", user.phone)
    # ruleid: no-personal-data-in-logs
    logger.warning("message from %s refused", phone)
    # ruleid: no-personal-data-in-logs
    logger.error(f"cannot reach {user.email}")
    # ruleid: no-personal-data-in-logs
    logging.info("identity %s", user.identity.nik)


def ok(user, message):
    # ok: no-personal-data-in-logs
    logger.info("signed in user %s", user.pk)
    # ok: no-personal-data-in-logs
    logger.info("message %s sent", message.tracking_number)
