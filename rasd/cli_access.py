"""Commands for organisations, users and API tokens (the instance operator's tools).

Registered on :data:`rasd.cli.app`. The command line works on the database directly,
as the local system: it is how the first admin of each organisation is made.
Passwords are read from a prompt (hidden) or, with ``--password-stdin``, from the
first line of standard input; never from an argument (it would sit in shell history).
"""

from __future__ import annotations

import sys
from typing import Annotated

import typer
from rich.table import Table

from rasd.cli import _settings, app, out
from rasd.exceptions import NotFound
from rasd.records import ROLES, User
from rasd.render import add_plain_row
from rasd.store.abase import AccessStore

org_app = typer.Typer(
    help="Organisations: who owns reports.\n\nExample: rasd org create fctd 'Federal CT Service'",
    no_args_is_help=True,
)
user_app = typer.Typer(
    help="Users and their roles (viewer, analyst, admin).\n\n"
    "Example: rasd user create rana --org fctd --role admin",
    no_args_is_help=True,
)
token_app = typer.Typer(
    help="API tokens (Authorization: Bearer ...).\n\nExample: rasd token create rana --name etl",
    no_args_is_help=True,
)
app.add_typer(org_app, name="org")
app.add_typer(user_app, name="user")
app.add_typer(token_app, name="token")

StdinOpt = Annotated[
    bool, typer.Option("--password-stdin", help="Read the password from standard input.")
]


def _password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\n")
    return str(typer.prompt("password", hide_input=True, confirmation_prompt=True))


@org_app.command("create")
def org_create(
    org_id: Annotated[str, typer.Argument(help="Short id: lower-case letters, digits, '-'.")],
    name: Annotated[str, typer.Argument(help="Display name.")],
    default_tlp: Annotated[
        str, typer.Option(help="Marking of new reports: CLEAR, GREEN, AMBER, AMBER+STRICT, RED.")
    ] = "AMBER",
) -> None:
    """Add an organisation.

    Example: rasd org create rsa 'Regional Security Agency' --default-tlp AMBER
    """
    from rasd.access.auth import create_org
    from rasd.service import open_store

    with open_store(_settings()) as store:
        org = create_org(store, org_id, name, default_tlp)
    out.print(
        f"organisation {org.id} ({org.name}) created; new reports marked {org.default_tlp}",
        markup=False,
    )


@org_app.command("list")
def org_list() -> None:
    """List the organisations.

    Example: rasd org list
    """
    from rasd.service import open_store

    table = Table("id", "name", "default TLP")
    with open_store(_settings()) as store:
        for org in store.orgs():
            add_plain_row(table, org.id, org.name, org.default_tlp)
    out.print(table)


@user_app.command("create")
def user_create(
    username: Annotated[str, typer.Argument(help="Sign-in name.")],
    org: Annotated[str, typer.Option(help="The user's organisation.")],
    role: Annotated[str, typer.Option(help=f"One of {', '.join(ROLES)}.")] = "viewer",
    password_stdin: StdinOpt = False,
) -> None:
    """Add a user (the password needs 12 or more characters).

    Example: rasd user create rana --org fctd --role admin
    """
    from rasd.access.auth import create_user
    from rasd.service import open_store

    password = _password(password_stdin)
    with open_store(_settings()) as store:
        user = create_user(store, username, password, org, role)
    out.print(f"user {user.username} ({user.role}) created in {user.org}", markup=False)


@user_app.command("list")
def user_list(
    org: Annotated[str | None, typer.Option(help="Only this organisation's users.")] = None,
) -> None:
    """List users.

    Example: rasd user list --org fctd
    """
    from rasd.service import open_store

    table = Table("username", "org", "role", "disabled")
    with open_store(_settings()) as store:
        for user in store.users(org):
            add_plain_row(table, user.username, user.org, user.role, "yes" if user.disabled else "")
    out.print(table)


@user_app.command("set")
def user_set(
    username: Annotated[str, typer.Argument(help="Sign-in name.")],
    role: Annotated[str | None, typer.Option(help=f"New role: {', '.join(ROLES)}.")] = None,
    disabled: Annotated[
        bool | None, typer.Option("--disabled/--enabled", help="Stop or allow sign-in.")
    ] = None,
    password: Annotated[bool, typer.Option("--password", help="Set a new password.")] = False,
    password_stdin: StdinOpt = False,
) -> None:
    """Change a user's role, disable them, or set a new password (ends their sessions and
    revokes their tokens).

    Example: rasd user set rana --role analyst
    """
    from rasd.access.auth import set_password, update_user
    from rasd.service import open_store

    with open_store(_settings()) as store:
        user = _user(store, username)
        if password or password_stdin:
            user = set_password(store, user, _password(password_stdin))
        user = update_user(store, user, role=role, disabled=disabled)
    state = ", disabled" if user.disabled else ""
    out.print(f"user {user.username}: {user.role}{state}", markup=False)


def _user(store: AccessStore, username: str) -> User:
    found = store.user_by_name(username)
    if found is None:
        raise NotFound(f"user {username}", "does not exist", "list users: rasd user list")
    return found[0]


@token_app.command("create")
def token_create(
    username: Annotated[str, typer.Argument(help="Whose token.")],
    name: Annotated[str, typer.Option(help="What it is for.")] = "",
    days: Annotated[
        int | None,
        typer.Option(min=1, max=3650, help="Lifetime in days, 1-3650 (default RASD_TOKEN_DAYS)."),
    ] = None,
) -> None:
    """Create an API token and print it (this once).

    Example: rasd token create rana --name nightly-export --days 30
    """
    from rasd.access.auth import issue_token
    from rasd.service import open_store

    settings = _settings()
    with open_store(settings) as store:
        user = _user(store, username)
        info, secret = issue_token(
            store, user, name, days if days is not None else settings.token_days
        )
    out.print(f"token {info.id} for {username}, expires {info.expires_at:%Y-%m-%d}:", markup=False)
    out.print(secret, highlight=False, soft_wrap=True)
