"""In-app notifications, and e-mail sent only after the transaction that caused them commits."""
from __future__ import annotations

import logging
import smtplib
from collections.abc import Iterable
from email.message import EmailMessage

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import Session

from declarations.models import Notification, Person, User

log = logging.getLogger(__name__)
OUTBOX = "notification_outbox"


def notify(session: Session, *, kind: str, subject: str, body: str, link: str | None = None,
           user_ids: Iterable[int] = (), person_id: int | None = None, mail: dict | None = None) -> list[Notification]:
    """Notify users (and the users tied to `person_id`); e-mail goes out after commit when configured.

    `mail` is the SMTP configuration ({"server", "port", "sender"}) or None when e-mail is off.
    """
    targets = set(user_ids)
    if person_id is not None:
        targets |= set(session.scalars(sa.select(User.id).where(User.person_id == person_id)))
    created = []
    for uid in sorted(targets):
        user = session.get(User, uid)
        address = user.email if user else None
        created.append(Notification(user_id=uid, person_id=person_id, kind=kind, subject=subject, body=body,
                                    link=link, email_to=address,
                                    email_status="pending" if (mail and address) else "off"))
    if not targets and person_id is not None:
        person = session.get(Person, person_id)
        address = person.email if person else None
        created.append(Notification(person_id=person_id, kind=kind, subject=subject, body=body, link=link,
                                    email_to=address, email_status="pending" if (mail and address) else "off"))
    session.add_all(created)
    session.flush()
    if mail:
        outbox = session.info.setdefault(OUTBOX, [])
        outbox.extend((n.id, n.email_to, subject, body, link, mail) for n in created if n.email_status == "pending")
    return created


@event.listens_for(Session, "after_commit")
def _send_after_commit(session: Session) -> None:
    """The transaction that caused the notifications is committed: now, and only now, send mail."""
    outbox = session.info.pop(OUTBOX, None)
    if not outbox:
        return
    statuses = {nid: _send(to, subject, body, link, mail) for nid, to, subject, body, link, mail in outbox}
    with session.get_bind().begin() as conn:
        for nid, status in statuses.items():
            conn.execute(sa.update(Notification).where(Notification.id == nid).values(email_status=status))


@event.listens_for(Session, "after_rollback")
def _drop_on_rollback(session: Session) -> None:
    """Nothing happened, so nobody is told."""
    session.info.pop(OUTBOX, None)


def _send(to: str, subject: str, body: str, link: str | None, mail: dict) -> str:
    message = EmailMessage()
    message["From"] = mail.get("sender", "thanhtra@localhost")
    message["To"] = to
    message["Subject"] = subject
    message.set_content(body + (f"\n\n{link}" if link else ""))
    try:
        with smtplib.SMTP(mail["server"], int(mail.get("port", 25)), timeout=10) as smtp:
            smtp.send_message(message)
        return "sent"
    except (OSError, smtplib.SMTPException) as exc:
        log.warning("e-mail to %s failed: %s", to, exc)
        return "failed"


def mail_config(config) -> dict | None:
    """The SMTP settings from the app config, or None when e-mail is off."""
    if not config.get("MAIL_SERVER"):
        return None
    return {"server": config["MAIL_SERVER"], "port": config.get("MAIL_PORT", 25),
            "sender": config.get("MAIL_SENDER", "thanhtra@localhost")}
