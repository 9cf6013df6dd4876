"""The official layout of the workbooks (PRODUCT.md, "Workbook formats"): sheet names, labels,
column headers, their synonyms and the vocabularies of coded columns.

The reader matches against these through `etl.text.label_key`; the template writer and the demo
generator write the first spelling of each. Nothing else in the code spells a header.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Column:
    field: str                 #: attribute name in the record
    labels: tuple[str, ...]    #: the official label first, then accepted synonyms
    required: bool = False     #: the header must be present

    @property
    def label(self) -> str:
        return self.labels[0]


@dataclass(frozen=True)
class Sheet:
    key: str
    names: tuple[str, ...]     #: the official sheet name first, then synonyms
    columns: tuple[Column, ...]
    required: bool = True

    @property
    def name(self) -> str:
        return self.names[0]


ID_LABELS = ("Số CCCD", "Số căn cước công dân", "Số CMND", "Số định danh cá nhân", "Số căn cước",
             "CCCD", "CMND", "CCCD/CMND", "Số CCCD/CMND")

# Sheet "Thông tin chung": label/value pairs, the label in one column and the value in the next.
GENERAL = Sheet(
    key="general",
    names=("Thông tin chung",),
    columns=(
        Column("declaration_type", ("Loại kê khai", "Hình thức kê khai", "Phương thức kê khai"), True),
        Column("year", ("Năm kê khai", "Năm"), True),
        Column("completed_on", ("Ngày hoàn thành kê khai", "Ngày hoàn thành việc kê khai",
                                "Ngày kê khai"), True),
        Column("full_name", ("Họ và tên", "Họ tên", "Họ và tên người kê khai"), True),
        Column("date_of_birth", ("Ngày sinh", "Ngày tháng năm sinh"), True),
        Column("id_number", ID_LABELS, True),
        Column("position", ("Chức vụ/chức danh", "Chức vụ", "Chức danh", "Chức vụ/chức danh công tác")),
        Column("agency", ("Cơ quan/đơn vị công tác", "Cơ quan/đơn vị", "Cơ quan", "Đơn vị công tác",
                          "Cơ quan, đơn vị công tác")),
        Column("residence", ("Nơi thường trú", "Địa chỉ thường trú")),
    ),
)

RELATIVES = Sheet(
    key="relatives",
    names=("Vợ chồng và con", "Vợ, chồng và con", "Vợ chồng con", "Vợ hoặc chồng và con chưa thành niên"),
    required=False,
    columns=(
        Column("relation", ("Quan hệ", "Quan hệ với người kê khai"), True),
        Column("full_name", ("Họ và tên", "Họ tên"), True),
        Column("date_of_birth", ("Ngày sinh", "Ngày tháng năm sinh")),
        Column("id_number", ID_LABELS),
        Column("occupation", ("Nghề nghiệp",)),
        Column("workplace", ("Nơi làm việc", "Nơi công tác")),
        Column("residence", ("Nơi thường trú", "Địa chỉ thường trú")),
    ),
)

ASSETS = Sheet(
    key="assets",
    names=("Tài sản", "Tài sản kê khai", "Thông tin mô tả về tài sản"),
    columns=(
        Column("section", ("Mục", "Mã mục", "Loại tài sản (mục)"), True),
        Column("owner", ("Người đứng tên", "Người sở hữu", "Chủ sở hữu")),
        Column("name", ("Tên tài sản", "Tài sản", "Loại tài sản"), True),
        Column("address", ("Địa chỉ",)),
        Column("area", ("Diện tích (m2)", "Diện tích", "Diện tích (m²)")),
        Column("quantity", ("Số lượng",)),
        Column("certificate", ("Số giấy chứng nhận/đăng ký", "Số giấy chứng nhận", "Số đăng ký",
                               "Giấy chứng nhận", "Số tài khoản")),
        Column("year_acquired", ("Năm có tài sản", "Năm hình thành", "Năm bắt đầu sở hữu")),
        Column("value", ("Giá trị (đồng)", "Giá trị", "Giá trị (VND)", "Giá trị (VNĐ)"), True),
        Column("country", ("Quốc gia", "Nước")),
        Column("other_info", ("Thông tin khác", "Ghi chú")),
    ),
)

INCOME = Sheet(
    key="income",
    names=("Thu nhập", "Tổng thu nhập", "Tổng thu nhập giữa hai lần kê khai"),
    required=False,
    columns=(
        Column("earner", ("Người có thu nhập",), True),
        Column("amount", ("Số tiền (đồng)", "Số tiền", "Số tiền (VND)", "Thu nhập (đồng)"), True),
        Column("note", ("Ghi chú", "Nguồn thu nhập")),
    ),
)

VARIATIONS = Sheet(
    key="variations",
    names=("Biến động", "Biến động tài sản", "Biến động tài sản, thu nhập"),
    required=False,
    columns=(
        Column("section", ("Mục", "Loại tài sản, thu nhập", "Mã mục"), True),
        Column("quantity_change", ("Tăng/giảm số lượng", "Số lượng tăng/giảm", "Tăng (+)/giảm (-) số lượng")),
        Column("value_change", ("Tăng/giảm giá trị (đồng)", "Tăng/giảm giá trị", "Giá trị tăng/giảm",
                                "Tăng (+)/giảm (-) giá trị")),
        Column("explanation", ("Giải trình nguồn gốc", "Nội dung giải trình", "Giải trình")),
    ),
)

DECLARATION_SHEETS = (GENERAL, RELATIVES, ASSETS, INCOME, VARIATIONS)

ROSTER = Sheet(
    key="roster",
    names=("Danh sách", "Danh sách người có nghĩa vụ kê khai"),
    columns=(
        Column("seq", ("STT", "Số thứ tự", "TT")),
        Column("full_name", ("Họ và tên", "Họ tên"), True),
        Column("date_of_birth", ("Ngày sinh", "Ngày tháng năm sinh"), True),
        Column("id_number", ID_LABELS, True),
        Column("position", ("Chức vụ/chức danh", "Chức vụ", "Chức danh", "Chức vụ/chức danh công tác")),
        Column("agency", ("Cơ quan/đơn vị", "Cơ quan/đơn vị công tác", "Cơ quan", "Đơn vị"), True),
        Column("declaration_type", ("Loại kê khai", "Hình thức kê khai"), True),
        Column("year", ("Năm", "Năm kê khai"), True),
        Column("event_date", ("Ngày phát sinh", "Ngày tiếp nhận/bổ nhiệm", "Ngày sự kiện")),
        Column("note", ("Ghi chú",)),
    ),
)

# Coded vocabularies: canonical code -> accepted spellings (official first).
DECLARATION_TYPES: dict[str, tuple[str, ...]] = {
    "first": ("Lần đầu", "Kê khai lần đầu"),
    "annual": ("Hằng năm", "Hàng năm", "Kê khai hằng năm", "Kê khai hàng năm"),
    "supplementary": ("Bổ sung", "Kê khai bổ sung"),
    "personnel": ("Phục vụ công tác cán bộ", "Kê khai phục vụ công tác cán bộ"),
}
FULL_DECLARATION_TYPES = ("first", "annual", "personnel")

RELATIONS: dict[str, tuple[str, ...]] = {
    "wife": ("Vợ",),
    "husband": ("Chồng",),
    "minor_child": ("Con chưa thành niên", "Con"),
}

INCOME_EARNERS: dict[str, tuple[str, ...]] = {
    "declarant": ("Người kê khai",),
    "spouse": ("Vợ hoặc chồng", "Vợ", "Chồng", "Vợ/chồng"),
    "minor_child": ("Con chưa thành niên", "Con"),
    "joint": ("Thu nhập chung",),
}

# Section codes of Decree 130, Appendix I, part II, with their Vietnamese names.
SECTIONS: dict[str, str] = {
    "1.1": "Đất ở",
    "1.2": "Các loại đất khác",
    "2.1": "Nhà ở",
    "2.2": "Công trình xây dựng khác",
    "3": "Tài sản khác gắn liền với đất",
    "3.1": "Cây lâu năm",
    "3.2": "Rừng sản xuất",
    "3.3": "Vật kiến trúc khác",
    "4": "Vàng, kim cương, bạch kim, kim loại quý, đá quý",
    "5": "Tiền",
    "6.1": "Cổ phiếu",
    "6.2": "Trái phiếu",
    "6.3": "Vốn góp",
    "6.4": "Giấy tờ có giá khác",
    "7.1": "Tài sản phải đăng ký",
    "7.2": "Tài sản khác",
    "8": "Tài sản ở nước ngoài",
    "9": "Tài khoản ở nước ngoài",
}
FOREIGN_SECTIONS = ("8", "9")
INCOME_SECTION = "income"          #: the `Tổng thu nhập` row of `Biến động`
INCOME_SECTION_LABELS = ("Tổng thu nhập", "Tổng thu nhập giữa hai lần kê khai", "Thu nhập")
NO_CHANGE_TEXT = "Không có biến động"
NO_CHANGE_TEXTS = (NO_CHANGE_TEXT, "Không biến động", "Không có biến động tài sản",
                   "Không có biến động tài sản, thu nhập", "Không có biến động về tài sản, thu nhập")
UNKNOWN_VALUE_TEXT = "Không xác định được giá trị"

# Which sections carry an identifier that follows an item across years (PRODUCT.md, table of Mục).
_CERT_OR_ADDRESS = ("1.1", "1.2", "2.1", "2.2")
_CERT_ONLY = ("7.1", "8", "9")


def item_identifier(section: str, certificate: str | None, address: str | None) -> str | None:
    """The key that follows an asset item from one declaration to the next, or None.

    Land and buildings: the certificate number, else the normalized address; registered assets,
    foreign assets and foreign accounts: the certificate/registration/account number only.
    """
    from etl.text import address_key, label_key

    if section in _CERT_OR_ADDRESS or section in _CERT_ONLY:
        if certificate and label_key(certificate):
            return f"{section}|no:{label_key(certificate)}"
        if section in _CERT_OR_ADDRESS and address and address_key(address):
            return f"{section}|addr:{address_key(address)}"
    return None
