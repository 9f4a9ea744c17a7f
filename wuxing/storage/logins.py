"""Login tries as the store counts them, for login throttling (the policy, how long a pause
lasts: `wuxing.access.throttle`; checking the password: `wuxing.access.auth`).

`LoginStore` is a part of `wuxing.storage.store.Store`: a try is counted before its password is
checked, in one transaction, so parallel tries on several app servers see each other.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa

from wuxing.access import throttle
from wuxing.access.credentials import account_key
from wuxing.storage.accounts import Account, StorePart, account_named
from wuxing.storage.events import aware as _aware
from wuxing.storage.events import log_event as _log
from wuxing.storage.events import sha256_of
from wuxing.storage.schema import login_throttle

#: Who the audit log names for a client paused on every name (the tries had no account).
PAUSE_USER = "（登录限制）"


@dataclass(frozen=True)
class LoginTry:
    """One login try as `Store.begin_login` counted it (the password not yet checked)."""

    account: Account | None  # None: no such account
    key: str  # the throttle row of this name (`Account.key`, or a digest of an unknown name)
    client: str
    at: datetime
    failures: int = 0  # this client's failures on this name, this try included
    client_failures: int = 0  # this client's failures on every name, this try included
    refused_until: datetime | None = None  # set: a pause runs, the password was not checked
    paused_until: datetime | None = None  # the pause on this name that starts if this try fails
    client_paused_until: datetime | None = None  # the pause on every name that starts if it fails


class LoginStore(StorePart):
    """The login-throttle part of `Store` (mixed in; uses its transactions)."""

    def begin_login(self, name: str, client: str, *, at: datetime) -> LoginTry:
        """Count a login try of `client` for `name` before its password is checked.

        In one transaction: refused (and only counted) while a pause of this client on this name,
        or of this client on every name, runs; otherwise counted as a failure in advance, so
        parallel tries see each other and no more are checked than the pauses allow. A try whose
        password proves right is taken back by `login_succeeded`.
        """
        with self.transaction() as conn:
            account = account_named(conn, name)
            # The typed text of an unknown name is not kept: 16 bits of its digest still pause a
            # client that repeats it (as for a real name, so pauses do not tell which exist), yet
            # name no typed password.
            key = account.key if account else "?" + sha256_of(account_key(name).encode())[:4]
            conn.execute(
                login_throttle.delete().where(
                    login_throttle.c.last_at < at - throttle.FORGET_AFTER,
                    sa.or_(
                        login_throttle.c.paused_until.is_(None),
                        login_throttle.c.paused_until < at,
                    ),
                )
            )
            rows = {
                row.name: row
                for row in conn.execute(
                    sa.select(login_throttle)
                    .where(login_throttle.c.client == client)
                    .where(login_throttle.c.name.in_([key, throttle.ANY_NAME]))
                    .with_for_update()
                )
            }
            paused = {n: p for n, row in rows.items() if (p := _aware(row.paused_until)) and p > at}
            if paused:
                conn.execute(
                    login_throttle.update()
                    .where(login_throttle.c.client == client)
                    .where(login_throttle.c.name.in_(list(paused)))
                    .values(refused=login_throttle.c.refused + 1)
                )
                return LoginTry(account, key, client, at, refused_until=max(paused.values()))
            counts = {}
            for row_key, pause_for in (
                (key, throttle.name_pause),
                (throttle.ANY_NAME, throttle.client_pause),
            ):
                row = rows.get(row_key)
                failures = 1 + (row.failures if row else 0)
                wait = pause_for(failures)
                until = at + wait if wait > timedelta(0) else None
                values = {"failures": failures, "last_at": at, "paused_until": until}
                if row is None:
                    conn.execute(
                        login_throttle.insert().values(
                            name=row_key, client=client, refused=0, **values
                        )
                    )
                else:
                    conn.execute(
                        login_throttle.update()
                        .where(login_throttle.c.name == row_key, login_throttle.c.client == client)
                        .values(**values)
                    )
                counts[row_key] = (failures, until)
        (failures, until), (client_failures, client_until) = counts[key], counts[throttle.ANY_NAME]
        return LoginTry(
            account,
            key,
            client,
            at,
            failures=failures,
            paused_until=until,
            client_failures=client_failures,
            client_paused_until=client_until,
        )

    def login_failed(self, attempt: LoginTry, detail: str = "") -> None:
        """Record a checked try that failed: an event for a real account, and one when a pause of
        the client on every name begins; a failure on an unknown name stays only a count."""
        events_to_log = []
        if attempt.account is not None:
            where = f"（来自 {attempt.client}）" if attempt.client else ""
            events_to_log.append(
                (attempt.account.name, detail or f"第 {attempt.failures} 次失败{where}")
            )
        if attempt.client_paused_until is not None:
            wait = throttle.wait_text(attempt.client_paused_until - attempt.at)
            events_to_log.append(
                (
                    PAUSE_USER,
                    f"来自 {attempt.client or '未知地址'} 的登录已连续失败 "
                    f"{attempt.client_failures} 次，暂停 {wait}",
                )
            )
        if not events_to_log:
            return
        with self.transaction() as conn:
            for user, text in events_to_log:
                action = "login_paused" if user == PAUSE_USER else "login_failed"
                _log(conn, user, action, None, text)

    def login_succeeded(self, attempt: LoginTry) -> None:
        """Take back the failure `begin_login` counted in advance, forget this client's failures
        on this account and record the login."""
        assert attempt.account is not None  # only a known account's password can prove right
        with self.transaction() as conn:
            conn.execute(
                login_throttle.delete().where(
                    login_throttle.c.name == attempt.key, login_throttle.c.client == attempt.client
                )
            )
            row = conn.execute(
                sa.select(login_throttle.c.failures)
                .where(login_throttle.c.name == throttle.ANY_NAME)
                .where(login_throttle.c.client == attempt.client)
                .with_for_update()
            ).first()
            if row is not None:
                failures = max(0, row.failures - 1)
                wait = throttle.client_pause(failures)
                conn.execute(
                    login_throttle.update()
                    .where(login_throttle.c.name == throttle.ANY_NAME)
                    .where(login_throttle.c.client == attempt.client)
                    .values(
                        failures=failures,
                        paused_until=attempt.at + wait if wait > timedelta(0) else None,
                    )
                )
            _log(conn, attempt.account.name, "login", None, "")
