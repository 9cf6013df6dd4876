"""Sign in and sign out."""
from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_login import login_required, login_user, logout_user
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired

from declarations.db import get_session
from declarations.services import audit
from declarations.services.users import LoginThrottled, authenticate

bp = Blueprint("auth", __name__)


class LoginForm(FlaskForm):
    username = StringField("Tên đăng nhập", validators=[DataRequired()])
    password = PasswordField("Mật khẩu", validators=[DataRequired()])


def _safe_next(target: str | None) -> str:
    if target and target.startswith("/") and not target.startswith("//"):
        return target
    return url_for("main.home")


@bp.route("/login", methods=["GET", "POST"])
def login():
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        db = get_session()
        try:
            user = authenticate(db, form.username.data.strip(), form.password.data,
                                max_failures=current_app.config["LOGIN_MAX_FAILURES"],
                                lock_seconds=current_app.config["LOGIN_LOCK_SECONDS"])
        except LoginThrottled:
            db.commit()
            flash("locked", "error")
            return render_template("login.html", form=form, locked=True), 429
        db.commit()
        if user is not None:
            session.clear()
            session.permanent = True
            login_user(user)
            return redirect(_safe_next(request.args.get("next")))
        flash("bad_credentials", "error")
        status = 401
    return render_template("login.html", form=form, locked=False), status


@bp.post("/logout")
@login_required
def logout():
    from flask_login import current_user

    db = get_session()
    audit.record(db, actor=current_user._get_current_object(), action="user.logout", object_type="user",
                 object_id=current_user.id)
    db.commit()
    logout_user()
    session.clear()
    return redirect(url_for("auth.login"))


@bp.get("/logout")
def logout_get():
    """A plain link cannot sign out safely (CSRF): show the sign-out button."""
    return render_template("logout.html")
