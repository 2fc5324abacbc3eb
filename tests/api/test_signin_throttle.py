"""Sign-in throttling and lockout (issue 16, docs/http.md "Signing in"): a server of the test's
own without the token bucket (--rate 0) and with small thresholds, so that the delays stay a
few seconds. The clock-bound rules in full (caps, a lock running out, known addresses) are
unit-tested with the clock given (tests/unit/test_signin.c)."""
import time

from conftest import PASSWORD, hukou, DB

WRONG = "not the password"


def new_account(name):
    code, out, err = hukou("user", "add", name, "--role", "analyst", "--db", DB,
                           "--password-stdin", stdin=PASSWORD + "\n")
    assert code == 0, err


def sign_in(client, name, password):
    return client.post("/api/v1/sessions", {"name": name, "password": password})


def refused(r, status, code):
    assert r.status == status, r.body
    e = r.error()
    assert e["code"] == code and e["field"] == "name", e
    return e


def fail_until_delayed(client, name, min_wait):
    """Wrong passwords until one is refused with a Retry-After of at least min_wait seconds (so
    that the next request surely falls inside the delay, however slow the machine); the number
    of them answered 401."""
    checked = 0
    for _ in range(20):
        r = sign_in(client, name, WRONG)
        if r.status == 401:
            checked += 1
            continue
        refused(r, 429, "rate_limited")
        wait = int(r.headers["retry-after"])
        assert wait >= 1
        if wait >= min_wait:
            return checked
        time.sleep(wait)
    raise AssertionError("never delayed")


def test_failures_delay_the_next_attempt_and_the_password_is_not_checked(server):
    srv = server("--rate", "0", "--signin-delay-after", "3", "--signin-lock-after", "50")
    new_account("throttled")
    assert fail_until_delayed(srv.client, "throttled", 4) >= 5  # delays 1, 2, 4 s
    # Inside the delay the right password is refused too: nothing is checked.
    r = sign_in(srv.client, "throttled", PASSWORD)
    refused(r, 429, "rate_limited")
    time.sleep(int(r.headers["retry-after"]))
    assert sign_in(srv.client, "throttled", PASSWORD).status == 201
    # The success cleared the run: three failures again before the first delay.
    assert fail_until_delayed(srv.client, "throttled", 1) >= 3
    assert srv.stop() == 0


def test_a_lock_names_the_state_and_an_admin_releases_it(server, accounts):
    srv = server("--rate", "0", "--signin-delay-after", "2", "--signin-lock-after", "4")
    new_account("lockme")
    failures = 0
    while failures < 4:
        r = sign_in(srv.client, "lockme", WRONG)
        if r.status == 429:
            time.sleep(int(r.headers["retry-after"]))
            continue
        assert r.status == 401, r.body
        failures += 1
    # This address never signed in to the account: locked against it, the right password too.
    e = refused(sign_in(srv.client, "lockme", PASSWORD), 403, "forbidden")
    assert "locked" in e["message_en"] and "锁定" in e["message"]
    r = accounts["root"].post("/api/v1/users/lockme/enable", None)
    assert r.status == 200, r.body
    assert sign_in(srv.client, "lockme", PASSWORD).status == 201
    assert srv.stop() == 0
    # The lock is an event (account.lock; its payload is unit-tested) on an intact chain.
    code, out, err = hukou("audit", "verify", "--db", DB)
    assert code == 0, err


def test_one_address_trying_many_names_is_delayed(server):
    srv = server("--rate", "0", "--signin-address-after", "3")
    for i in range(20):
        r = sign_in(srv.client, "nobody_%d" % i, WRONG)
        if r.status == 401:
            continue
        assert r.status == 429, r.body
        assert r.error()["code"] == "rate_limited"
        wait = int(r.headers["retry-after"])
        if wait >= 4:
            break
        time.sleep(wait)
    assert i >= 3
    # Inside the address's delay any name waits, a right password too.
    r = sign_in(srv.client, "analyst", PASSWORD)
    assert r.status == 429, r.body
    assert int(r.headers["retry-after"]) >= 1
    assert srv.stop() == 0


def test_guessing_the_current_password_through_a_session_is_throttled_too(server):
    # A stolen session must not be a faster way to guess the password: the own-password route
    # counts a wrong current password as a failed sign-in, and inside the delay checks nothing.
    srv = server("--rate", "0", "--signin-delay-after", "3", "--signin-lock-after", "50")
    new_account("guessed")
    session = srv.client.login("guessed", PASSWORD)
    url = "/api/v1/sessions/current/password"
    answers = []
    for _ in range(20):
        r = session.post(url, {"current_password": WRONG, "password": "a new password 1"})
        answers.append(r.status)
        if r.status == 429:
            break
    assert answers[:3] == [400, 400, 400] and answers[-1] == 429, answers
    e = r.error()
    assert e["code"] == "rate_limited" and e["field"] == "current_password", e
    # Inside the delay even the right one is refused, and a sign-in from here waits as well.
    r = session.post(url, {"current_password": PASSWORD, "password": "a new password 1"})
    assert r.status == 429, r.body
    refused(sign_in(srv.client, "guessed", PASSWORD), 429, "rate_limited")
    time.sleep(int(r.headers["retry-after"]) + 0.2)
    r = session.post(url, {"current_password": PASSWORD, "password": "a new password 1"})
    assert r.status == 200, r.body
    assert srv.stop() == 0
