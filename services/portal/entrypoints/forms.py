"""Forms (Flask-WTF: every one carries its CSRF token) and the messages for account errors."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    DateTimeLocalField,
    IntegerField,
    PasswordField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, Optional

from services.portal.domain.accounts import MAX_DISPLAY_NAME_LENGTH, MAX_UNIT_CODE_LENGTH, MAX_USERNAME_LENGTH
from shared.auth import Role

ACCOUNT_ERRORS = {
    "bad_credentials": _l("The user name or password is not right."),
    "locked": _l("Too many failed attempts: this account is locked for 15 minutes."),
    "disabled": _l("This account is disabled. Ask the administrator."),
    "bad_current_password": _l("The current password is not right."),
    "same_password": _l("The new password must differ from the current one."),
    "too_short": _l("The password must have at least 10 characters."),
    "too_common": _l("This password is too common; choose another."),
    "contains_username": _l("The password must not contain the user name."),
    "invalid_username": _l("A user name has letters, digits, dots, hyphens and underscores only."),
    "username_taken": _l("This user name is already taken."),
    "username_too_long": _l("A user name has at most 64 characters."),
    "display_name_too_long": _l("A full name has at most 200 characters."),
    "invalid_unit_code": _l("Enter the unit code, at most 64 characters."),
    "csv_columns": _l("The CSV file needs the columns username, display_name, unit_code, role."),
    "invalid_role": _l("The CSV file names a role that does not exist."),
    "password_mismatch": _l("The two new passwords are not the same."),
}

ROLE_LABELS = {
    Role.UNIT_REPORTER: _l("Unit reporter"),
    Role.UNIT_APPROVER: _l("Unit head (approves the report)"),
    Role.DATA_PROVIDER: _l("Data provider"),
    Role.AUDITOR: _l("Auditor"),
    Role.DISTRICT_REVIEWER: _l("District reviewer"),
    Role.DEPARTMENT_REVIEWER: _l("Department reviewer"),
    Role.ADMIN: _l("Administrator"),
}


class SignInForm(FlaskForm):
    username = StringField(_l("User name"), validators=[InputRequired(_l("Enter your user name."))])
    password = PasswordField(_l("Password"), validators=[InputRequired(_l("Enter your password."))])


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(_l("Current password"),
                                     validators=[InputRequired(_l("Enter your current password."))])
    new_password = PasswordField(_l("New password"), validators=[InputRequired(_l("Enter a new password."))])
    confirm_password = PasswordField(_l("New password again"),
                                     validators=[InputRequired(_l("Enter the new password again."))])


class AccountForm(FlaskForm):
    username = StringField(_l("User name"), validators=[InputRequired(_l("Enter a user name.")),
                                                        Length(max=MAX_USERNAME_LENGTH)])
    display_name = StringField(_l("Full name"), validators=[InputRequired(_l("Enter the person's name.")),
                                                           Length(max=MAX_DISPLAY_NAME_LENGTH)])
    unit_code = StringField(_l("Unit code"), validators=[InputRequired(_l("Enter the unit code.")),
                                                        Length(max=MAX_UNIT_CODE_LENGTH)])
    role = SelectField(_l("Role"), choices=[SelectChoice(role.value, label) for role, label in ROLE_LABELS.items()])


class AccountsCsvForm(FlaskForm):
    file = FileField(_l("CSV file"), validators=[InputRequired(_l("Choose a CSV file."))])


class RoundForm(FlaskForm):
    kind = SelectField(_l("Kind of round"), choices=[SelectChoice("annual_evaluation", _l("Annual evaluation")),
                                                      SelectChoice("progress_update", _l("Progress update"))])
    year = IntegerField(_l("Year"), validators=[InputRequired(_l("Enter the year."))])
    period_month = SelectField(_l("Month (progress updates only)"), validators=[Optional()],
                               choices=[SelectChoice("", "—"), SelectChoice("3"), SelectChoice("6"), SelectChoice("9")])


class ExtensionForm(FlaskForm):
    unit_code = StringField(_l("Unit code"), validators=[InputRequired(_l("Enter the unit code.")), Length(max=64)])
    until = DateTimeLocalField(_l("New deadline (Vietnam time)"), format="%Y-%m-%dT%H:%M",
                               validators=[InputRequired(_l("Enter the new deadline."))])
    reason = TextAreaField(_l("Reason"), validators=[InputRequired(_l("Write the reason.")), Length(max=2000)])


class EmptyForm(FlaskForm):
    """A button that changes something: only the CSRF token."""


class CommentForm(FlaskForm):
    comment = TextAreaField(_l("Comment"), validators=[InputRequired(_l("Write a comment."))])
