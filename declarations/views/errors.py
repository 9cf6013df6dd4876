"""Errors are pages in the app's look, never tracebacks."""
from __future__ import annotations

from flask import Flask, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError, RequestEntityTooLarge

MESSAGES = {
    400: ("Yêu cầu không hợp lệ", "Bad request"),
    403: ("Bạn không có quyền truy cập trang này", "You may not see this page"),
    404: ("Không tìm thấy trang", "Page not found"),
    405: ("Phương thức không được phép", "Method not allowed"),
    409: ("Thao tác không hợp lệ ở trạng thái hiện tại", "Not allowed in the current state"),
    413: ("Tệp tải lên quá lớn, vượt giới hạn cho phép", "The upload is larger than the limit"),
    422: ("Dữ liệu không hợp lệ", "Invalid data"),
    429: ("Quá nhiều yêu cầu, vui lòng thử lại sau", "Too many requests"),
    500: ("Lỗi hệ thống; sự cố đã được ghi lại", "Internal error; it has been logged"),
}


def render_error(code: int, detail: str | None = None):
    """An error page in the app's look (or JSON for a client that asks for it)."""
    vi, en = MESSAGES.get(code, (str(code), str(code)))
    if request.accept_mimetypes.best == "application/json":
        return {"error": code, "message_vi": vi, "message_en": en, "detail": detail}, code
    return render_template("error.html", code=code, message_vi=vi, message_en=en, detail=detail), code


def init_app(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(exc):
        return render_error(400, "CSRF")

    @app.errorhandler(RequestEntityTooLarge)
    def too_large(exc):
        limit = app.config.get("MAX_CONTENT_LENGTH") or 0
        size = f"{limit / (1024 * 1024):.0f} MB" if limit >= 1024 * 1024 else f"{limit / 1024:.0f} KB"
        return render_error(413, f"Giới hạn / limit: {size}")

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        return render_error(exc.code or 500)

    @app.errorhandler(Exception)
    def unexpected(exc: Exception):
        app.logger.exception("unhandled error")
        return render_error(InternalServerError.code)
