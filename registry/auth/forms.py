from wtforms import EmailField, PasswordField
from wtforms.validators import DataRequired, Length

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
