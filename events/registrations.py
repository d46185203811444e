"""Registration for roadshows (R5): capacity and waitlist, tickets, check-in."""

import base64
import datetime as dt
import secrets
from contextlib import nullcontext
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import permissions
from accounts.models import Membership, Organization, User, actor_of
from mailing.services import email_send

from .enums import Attendance, Format, RegistrationStatus, RoadshowStatus, ScanResult
from .links import watch_path
from .models import TICKET, Registration, Roadshow, Scan
from .services import roadshow_is_public

QR_PREFIX = "RS1-"
_LOOK_ALIKES = str.maketrans({"0": "O", "1": "I", "8": "B"})


class RegistrationError(Exception):
    """Not possible; the message is for the user."""


def _new_secret() -> str:
    return base64.b32encode(secrets.token_bytes(16)).decode().rstrip("=")


def normalize_code(text: str) -> str:
    code = (text or "").strip().upper().replace(" ", "").replace("-", "")
    if code.startswith(QR_PREFIX.replace("-", "")):
        code = code[len(QR_PREFIX) - 1 :]
    # Base32 has no 0, 1 or 8: a typed look-alike can only mean O, I or B.
    return code[:40].translate(_LOOK_ALIKES)


def short_code_of(secret: str) -> str:
    return f"{secret[:5]}-{secret[5:10]}"


def ticket_png(registration: Registration) -> bytes:
    return _qr_png(registration.secret)


def _qr_png(secret: str) -> bytes:
    import io

    import qrcode

    buffer = io.BytesIO()
    qrcode.make(QR_PREFIX + secret, box_size=10, border=4).save(buffer)
    return buffer.getvalue()


def attendance_options(roadshow: Roadshow) -> list[str]:
    if roadshow.format == Format.ONLINE:
        return [Attendance.ONLINE]
    if roadshow.format == Format.OFFLINE:
        return [Attendance.ONSITE]
    return [Attendance.ONSITE, Attendance.ONLINE]


@dataclass(frozen=True)
class RegistrationWindow:
    """When registration opens (None: once published) and closes (the
    roadshow's start unless set), and whether it is open now."""

    opens: dt.datetime | None
    closes: dt.datetime
    is_open: bool


def registration_window(*, roadshow: Roadshow, now=None) -> RegistrationWindow:
    now = now or timezone.now()
    opens = roadshow.registration_opens
    closes = roadshow.registration_closes or roadshow.start
    accepting = roadshow.status in RoadshowStatus.open_states and roadshow_is_public(
        roadshow
    )
    return RegistrationWindow(
        opens=opens,
        closes=closes,
        is_open=accepting and (opens is None or opens <= now) and now <= closes,
    )


def registration_is_open(*, roadshow: Roadshow, now: dt.datetime | None = None) -> bool:
    """Whether the roadshow takes registrations now, from anyone it admits
    (who it admits is registration_problem's to say)."""
    return registration_window(roadshow=roadshow, now=now).is_open


def registration_problem(*, roadshow: Roadshow, user: Any, now=None) -> str | None:
    """Why this user cannot register now, or None."""
    now = now or timezone.now()
    if roadshow.status not in RoadshowStatus.open_states or not roadshow_is_public(
        roadshow
    ):
        return _("该路演目前不接受报名。")
    window = registration_window(roadshow=roadshow, now=now)
    opens, closes = window.opens, window.closes
    if opens and now < opens:
        return _("报名将于 %(time)s 开始。") % {
            "time": timezone.localtime(opens).strftime("%Y-%m-%d %H:%M")
        }
    if now > closes:
        return _("报名已于 %(time)s 截止。") % {
            "time": timezone.localtime(closes).strftime("%Y-%m-%d %H:%M")
        }
    if roadshow.investors_only and not (
        permissions.is_approved_investor(user) or permissions.is_organizer(user)
    ):
        return _("本场路演仅限已批准的投资方报名。")
    return None


def places_left(*, roadshow: Roadshow, reserved: bool = False) -> int | None:
    """On-site places not yet given: the capacity less the tickets (below zero
    when the capacity was lowered); None without a capacity (no limit).  The
    places kept for invited guests (``invitation_places``) and not yet taken
    by one are not the public's: only an invited guest (``reserved``) may
    take them.  Its callers hold the roadshow row locked, so two never count
    the same place."""
    if roadshow.capacity is None:
        return None
    tickets = Registration.objects.tickets().filter(roadshow=roadshow)
    left = roadshow.capacity - tickets.count()
    if reserved or not roadshow.invitation_places:
        return left
    kept = roadshow.invitation_places - tickets.filter(reserved=True).count()
    return left - max(kept, 0)


@transaction.atomic
def registration_create(
    *, roadshow: Roadshow, user: Any, attendance: str, reserved: bool = False
) -> Registration:
    """Register; on site places are never overbooked (the roadshow row is locked
    while counting), a full roadshow puts people on the waitlist.  An invited
    guest (``reserved``, from invitations' accept only) may take a place kept
    for invited guests."""
    # Everyone registering for the roadshow waits for its row's lock, so the
    # confirmation's QR code and calendar file (most of a confirmation's own
    # work) are made before it, for the outcome likely then (README, "Drills").
    secret = _new_secret()
    made = _Attachments.before_lock(
        roadshow=roadshow, secret=secret, attendance=attendance, reserved=reserved
    )
    locked = Roadshow.objects.select_for_update().get(pk=roadshow.pk)
    problem = registration_problem(roadshow=locked, user=user)
    if problem:
        raise RegistrationError(problem)
    if attendance not in attendance_options(locked):
        raise RegistrationError(_("本场路演不提供该参加方式。"))
    if Registration.objects.active().filter(roadshow=locked, user=user).exists():
        raise RegistrationError(_("您已报名本场路演，无需重复报名。"))
    status = _status_for(roadshow=locked, attendance=attendance, reserved=reserved)
    for attempt in range(5):
        if attempt:
            secret = _new_secret()
        try:
            with transaction.atomic():
                registration = Registration.objects.create(
                    roadshow=locked,
                    user=user,
                    attendance=attendance,
                    status=status,
                    secret=secret,
                    short_code=short_code_of(secret),
                    reserved=reserved
                    and status == RegistrationStatus.CONFIRMED
                    and attendance == Attendance.ONSITE,
                    confirmed_at=timezone.now()
                    if status == RegistrationStatus.CONFIRMED
                    else None,
                )
            break
        except IntegrityError as exc:
            if (
                Registration.objects.active()
                .filter(roadshow=locked, user=user)
                .exists()
            ):
                raise RegistrationError(_("您已报名本场路演，无需重复报名。")) from exc
    else:  # pragma: no cover - 128 random bits do not collide five times
        raise RegistrationError(_("请稍后再试。"))
    _notify(registration, made=made)
    return registration


@transaction.atomic
def registration_cancel(*, registration: Registration, by: Any) -> Registration | None:
    """Cancel; a freed on-site place goes to the first on the waitlist, who is told.
    Returns the promoted registration, if any."""
    locked_roadshow = Roadshow.objects.select_for_update().get(
        pk=registration.roadshow_id
    )
    locked = Registration.objects.select_for_update().get(pk=registration.pk)
    if locked.status == RegistrationStatus.CANCELLED:
        raise RegistrationError(_("该报名已经取消。"))
    if locked.checked_in_at is not None:
        raise RegistrationError(_("已签到的报名不能取消。"))
    freed = locked.has_ticket
    locked.status = RegistrationStatus.CANCELLED
    locked.cancelled_at = timezone.now()
    locked.save(update_fields=["status", "cancelled_at"])
    if not freed:
        return None
    promoted = waitlist_promote(roadshow=locked_roadshow)
    return promoted[0] if promoted else None


@transaction.atomic
def waitlist_promote(*, roadshow: Roadshow) -> list[Registration]:
    """Give the free on-site places to the waitlist in the order people
    joined it, and tell each by email (after commit).  Called whenever a place
    may have been freed or added (a cancellation, the capacity raised or
    removed).  The roadshow row is locked as registering locks it, so a
    registration at the same moment never takes a place twice."""
    locked = Roadshow.objects.select_for_update().get(pk=roadshow.pk)
    if locked.status not in RoadshowStatus.open_states:
        return []
    waiting = (
        Registration.objects.select_for_update(of=("self",))
        .select_related("user")
        .filter(roadshow=locked)
        .waitlist()
    )
    left = places_left(roadshow=locked)
    if left is not None:
        if left <= 0:
            return []
        waiting = waiting[:left]
    promoted = list(waiting)
    now = timezone.now()
    for registration in promoted:
        registration.roadshow = locked
        registration.status = RegistrationStatus.CONFIRMED
        registration.confirmed_at = now
        registration.save(update_fields=["status", "confirmed_at"])
        _notify(registration, promoted=True)
    return promoted


def _status_for(*, roadshow: Roadshow, attendance: str, reserved: bool) -> str:
    """Confirmed, or waitlisted when no on-site place is left: decided with
    the roadshow row locked, guessed without (``_Attachments``)."""
    if attendance == Attendance.ONSITE:
        left = places_left(roadshow=roadshow, reserved=reserved)
        if left is not None and left <= 0:
            return RegistrationStatus.WAITLISTED
    return RegistrationStatus.CONFIRMED


@dataclass
class _Attachments:
    """A confirmation's ticket (its QR code) and calendar file, made before the
    roadshow row is locked when the registration will likely have them; each
    is used only if it is still what the registration needs (the same secret;
    the roadshow unchanged since), else made again under the lock."""

    secret: str = ""
    ticket: bytes | None = None
    calendar: bytes | None = None
    calendar_of: tuple | None = None

    @classmethod
    def before_lock(
        cls, *, roadshow: Roadshow, secret: str, attendance: str, reserved: bool
    ) -> "_Attachments":
        made = cls(secret=secret)
        if attendance not in attendance_options(roadshow):
            return made
        likely = Registration(
            attendance=attendance,
            status=_status_for(
                roadshow=roadshow, attendance=attendance, reserved=reserved
            ),
        )
        if likely.has_ticket:
            made.ticket = _qr_png(secret)
        if likely.status == RegistrationStatus.CONFIRMED:
            made.calendar = _calendar_file(roadshow)
            made.calendar_of = _calendar_version(roadshow)
        return made

    def ticket_for(self, registration: Registration) -> bytes:
        if self.ticket is not None and self.secret == registration.secret:
            return self.ticket
        return ticket_png(registration)

    def calendar_for(self, roadshow: Roadshow) -> bytes:
        if self.calendar is not None and self.calendar_of == _calendar_version(
            roadshow
        ):
            return self.calendar
        return _calendar_file(roadshow)


def _calendar_version(roadshow: Roadshow) -> tuple:
    return (roadshow.pk, roadshow.updated_at, roadshow.sequence)


def _calendar_file(roadshow: Roadshow) -> bytes:
    from .calendars import calendar_bytes

    base_url = settings.WAGTAILADMIN_BASE_URL.rstrip("/")
    return calendar_bytes([roadshow], name=roadshow.title, base_url=base_url)


def _notify(
    registration: Registration,
    *,
    promoted: bool = False,
    made: _Attachments | None = None,
) -> None:
    """The confirmation email with the ticket and an .ics invitation, after commit."""
    made = made or _Attachments()
    user = registration.user
    if not user.email:
        return
    roadshow = registration.roadshow
    base_url = settings.WAGTAILADMIN_BASE_URL.rstrip("/")
    ticket_url = f"{base_url}/workspace/registrations/{registration.pk}/"
    start = timezone.localtime(roadshow.start).strftime("%Y-%m-%d %H:%M")
    if registration.status == RegistrationStatus.WAITLISTED:
        subject = _("已加入候补：%(title)s") % {"title": roadshow.title}
        body = _(
            "您好！\n\n“%(title)s”（%(start)s）的现场名额已满，您已加入候补名单。有名额空出时，我们会按报名先后依次通知。\n\n%(url)s\n\n科技成果路演平台"
        ) % {"title": roadshow.title, "start": start, "url": ticket_url}
    else:
        subject = (
            _("候补转正，报名已确认：%(title)s")
            if promoted
            else _("报名成功：%(title)s")
        ) % {"title": roadshow.title}
        lines = [
            _("您好！\n\n您已报名“%(title)s”（%(start)s）。")
            % {"title": roadshow.title, "start": start}
        ]
        if registration.attendance == Attendance.ONSITE:
            lines.append(
                _("现场签到码：%(code)s。入场时请出示门票二维码：%(url)s")
                % {"code": registration.short_code, "url": ticket_url}
            )
        elif roadshow.stream_url:
            watch = base_url + watch_path(roadshow=roadshow)
            lines.append(_("线上观看：%(url)s") % {"url": watch})
        lines.append(_("科技成果路演平台"))
        body = "\n\n".join(lines)
    attachments = []
    if registration.has_ticket:
        attachments.append(("ticket.png", made.ticket_for(registration), "image/png"))
    if registration.status == RegistrationStatus.CONFIRMED:
        attachments.append(
            (
                "roadshow.ics",
                made.calendar_for(roadshow),
                "text/calendar; method=PUBLISH",
            )
        )
    email_send(to=[user.email], subject=subject, body=body, attachments=attachments)


def _check_in_two_statements(
    match: dict, *, roadshow_id: int, scan_id: str, now, door: str
) -> tuple[bool, Registration | None, tuple | None]:
    """The scan id's earlier scan, if any; else the conditional UPDATE; then
    the ticket read back (with its holder's first organization)."""
    prior = (
        Scan.objects.filter(roadshow_id=roadshow_id, scan_id=scan_id)
        .values_list("id", "registration_id")
        .first()
    )
    checked_in = prior is None and Registration.objects.tickets().filter(
        **{**match, "roadshow_id": roadshow_id}, checked_in_at__isnull=True
    ).update(checked_in_at=now, checked_in_door=door)
    first_org = Membership.objects.filter(user_id=OuterRef("user_id")).order_by("pk")
    registration = (
        Registration.objects.filter(**match)
        .select_related("user")
        .annotate(
            organization_name=Subquery(first_org.values("organization__name")[:1])
        )
        .first()
    )
    return bool(checked_in), registration, prior


def _check_in_one_statement(
    match: dict, *, roadshow_id: int, scan_id: str, now, door: str
) -> tuple[bool, Registration | None, tuple | None]:
    """The same on PostgreSQL in one round trip: the scan id's earlier scan
    and the conditional UPDATE (only without one) in CTEs beside the read of
    the ticket (which sees the row as it was before the UPDATE: a ticket it
    checked in gets this check-in's time and door)."""
    reg = Registration._meta.db_table
    user = User._meta.db_table
    membership = Membership._meta.db_table
    organization = Organization._meta.db_table
    scan = Scan._meta.db_table
    where = " AND ".join(f"{{t}}.{column} = %s" for column in match)
    values = list(match.values())
    # TICKET_Q in SQL: the same fields and values, bound as parameters.
    ticket = " AND ".join(
        f"t.{Registration._meta.get_field(field).column} = %s" for field in TICKET
    )
    sql = f"""
        WITH prior AS (
            SELECT s.id, s.registration_id FROM {scan} s
             WHERE s.roadshow_id = %s AND s.scan_id = %s
        ), hit AS (
            UPDATE {reg} AS t SET checked_in_at = %s, checked_in_door = %s
            WHERE {where.format(t="t")} AND t.roadshow_id = %s AND {ticket}
              AND t.checked_in_at IS NULL
              AND NOT EXISTS (SELECT 1 FROM prior)
            RETURNING t.id
        )
        SELECT r.id, r.roadshow_id, r.user_id, r.status, r.attendance,
               r.checked_in_at, r.checked_in_door, u.username, u.name,
               (SELECT o.name FROM {membership} m
                  JOIN {organization} o ON o.id = m.organization_id
                 WHERE m.user_id = r.user_id ORDER BY m.id LIMIT 1),
               EXISTS (SELECT 1 FROM hit),
               (SELECT p.id FROM prior p), (SELECT p.registration_id FROM prior p)
          FROM (SELECT 1) AS one
          LEFT JOIN ({reg} r JOIN {user} u ON u.id = r.user_id)
            ON {where.format(t="r")}
         LIMIT 1
    """
    params = [roadshow_id, scan_id, now, door, *values, roadshow_id]
    params += [*TICKET.values(), *values]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    (pk, rs, user_id, status, attendance, at, at_door, username, name, org, hit) = row[
        :11
    ]
    prior = None if row[11] is None else (row[11], row[12])
    if pk is None:
        return False, None, prior
    registration = Registration(
        pk=pk,
        roadshow_id=rs,
        user_id=user_id,
        status=status,
        attendance=attendance,
        checked_in_at=now if hit else at,
        checked_in_door=door if hit else at_door,
    )
    registration.user = User(pk=user_id, username=username, name=name)
    registration.organization_name = org
    return hit, registration, prior


def checkin_day_problem(
    *, start: dt.datetime, end: dt.datetime, now: dt.datetime | None = None
) -> str | None:
    """Why checking tickets in now would be out of the ordinary — it is not
    the roadshow's day (its local dates, from start to end) — or None."""
    today = timezone.localdate(now or timezone.now())
    first, last = timezone.localdate(start), timezone.localdate(end)
    if first <= today <= last:
        return None
    if today < first:
        return _("今天不是本场路演的日期：路演在 %(date)s 举行，门票应在当天签到。") % {
            "date": first.isoformat()
        }
    return _("本场路演已于 %(date)s 结束。") % {"date": last.isoformat()}


def ticket_check_in(
    *, roadshow: Roadshow, code: str, door: str, scan_id: str, by: Any
) -> Scan:
    """Check a ticket in at a door: one check-in per ticket, whatever the retries
    (the same scan id returns the first answer) and however many doors scan it
    at once (a conditional UPDATE decides).

    A scan id is the scanner's key for one scan, unique within the roadshow:
    sent again with the same ticket it returns the first answer; sent with
    another ticket it checks nothing in and answers ``scan_id_reused`` (an
    unsaved scan: the id is taken).

    The usual scan — a valid ticket, first time — costs one statement (which
    looks for the scan id, finds and checks in the ticket at once) and one
    INSERT of the scan; only a refused or retried scan reads more."""
    code = normalize_code(code)
    door = door[:40]
    if len(code) == 10:
        match = {"roadshow_id": roadshow.pk, "short_code": short_code_of(code)}
    elif code:
        match = {"secret": code}
    else:
        match = None
    now = timezone.now()
    registration = None
    checked_in = False
    result = ScanResult.UNKNOWN
    if match is not None:
        check_in = (
            _check_in_one_statement
            if connection.vendor == "postgresql"
            else _check_in_two_statements
        )
        checked_in, registration, prior = check_in(
            match, roadshow_id=roadshow.pk, scan_id=scan_id, now=now, door=door
        )
    else:
        prior = (
            Scan.objects.filter(roadshow_id=roadshow.pk, scan_id=scan_id)
            .values_list("id", "registration_id")
            .first()
        )
    if checked_in and registration is not None:
        result = ScanResult.OK
    elif registration is None:
        result = ScanResult.UNKNOWN
    elif registration.roadshow_id != roadshow.pk:
        result, registration = ScanResult.OTHER_ROADSHOW, None
    elif registration.status == RegistrationStatus.CANCELLED:
        result = ScanResult.CANCELLED
    elif registration.status == RegistrationStatus.WAITLISTED:
        result = ScanResult.WAITLISTED
    elif registration.attendance != Attendance.ONSITE:
        result = ScanResult.ONLINE
    else:
        result = ScanResult.ALREADY
    ticket_id = registration.pk if registration is not None else None
    if prior is not None:  # a retry, or the id reused: nothing was checked in
        return _scan_again(roadshow=roadshow, scan_id=scan_id, ticket_id=ticket_id)
    # In autocommit (the API) a duplicate scan id fails alone; inside a
    # transaction it needs a savepoint of its own.
    guard = transaction.atomic() if connection.in_atomic_block else nullcontext()
    try:
        with guard:
            return Scan.objects.create(
                scan_id=scan_id,
                roadshow=roadshow,
                registration=registration,
                door=door,
                result=result,
                scanned_by=actor_of(by),
            )
    except IntegrityError:
        # The same scan id was recorded meanwhile (two sends at once), or the
        # roadshow itself is gone.
        if not Scan.objects.filter(roadshow_id=roadshow.pk, scan_id=scan_id).exists():
            raise Roadshow.DoesNotExist from None
        scan = _scan_again(roadshow=roadshow, scan_id=scan_id, ticket_id=ticket_id)
        if scan.result == ScanResult.REUSED and checked_in:
            # This send checked in another ticket than the scan id's: undone.
            Registration.objects.filter(
                pk=ticket_id, checked_in_at=now, checked_in_door=door
            ).update(checked_in_at=None, checked_in_door="")
        return scan


def _scan_again(*, roadshow: Roadshow, scan_id: str, ticket_id: int | None) -> Scan:
    """A scan id this roadshow has recorded: its first answer for the same
    ticket, ``scan_id_reused`` (unsaved, no ticket) for another."""
    first = (
        Scan.objects.select_related("registration__user")
        .filter(roadshow_id=roadshow.pk, scan_id=scan_id)
        .first()
    )
    if first is not None and first.registration_id == ticket_id:
        return first
    return Scan(
        scan_id=scan_id,
        roadshow=roadshow,
        registration=None,
        result=ScanResult.REUSED,
    )
