from wtforms import EmailField, PasswordField
from wtforms.validators import DataRequired, EqualTo, Length

from registry.forms import RegistryForm


class SignInForm(RegistryForm):
    email = EmailField(
        "Email",
        validators=[DataRequired("Enter your work email address."), Length(max=254)],
        render_kw={"autocomplete": "username"},
    )
    password = PasswordField(
        "Password",
        validators=[DataRequired("Enter your password."), Length(max=1024)],
        render_kw={"autocomplete": "current-password"},
    )


class SetPasswordForm(RegistryForm):
    password = PasswordField(
        "New password",
        validators=[DataRequired("Enter a new password."), Length(max=1024)],
        description="At least 12 characters. A few unrelated words make a good one.",
        render_kw={"autocomplete": "new-password"},
    )
    confirm = PasswordField(
        "Confirm new password",
        validators=[
            DataRequired("Enter the new password again."),
            EqualTo("password", "The two passwords are not the same: type them again."),
        ],
        render_kw={"autocomplete": "new-password"},
    )
