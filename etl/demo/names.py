"""Word lists of the synthetic province: people's names, agencies, positions, places, assets.

All of it is invented from common Vietnamese usage; the province, its communes and its streets are
plausible, not a register of real ones.
"""
from __future__ import annotations

PROVINCE = "Nghệ An"
#: CCCD: 3 digits of the province of birth, 1 of sex and century, 2 of the birth year, 6 random.
CCCD_PROVINCE_CODES = ("040", "040", "040", "040", "038", "042", "001", "079", "044", "036")
#: CMND (9 digits) of people registered in the province before CCCD.
CMND_PREFIXES = ("18", "18", "18", "17", "01")

#: (surname, weight): the common surnames and roughly how common they are.
SURNAMES: tuple[tuple[str, int], ...] = (
    ("Nguyễn", 38), ("Trần", 11), ("Lê", 10), ("Phạm", 7), ("Hoàng", 5), ("Phan", 4), ("Vũ", 3),
    ("Võ", 3), ("Đặng", 2), ("Bùi", 2), ("Đỗ", 2), ("Hồ", 2), ("Ngô", 1), ("Dương", 1), ("Lý", 1),
    ("Đinh", 1), ("Thái", 1), ("Cao", 1), ("Lương", 1), ("Chu", 1),
)
MIDDLE_MALE = ("Văn", "Văn", "Đức", "Hữu", "Minh", "Quang", "Công", "Xuân", "Thanh", "Ngọc", "Đình",
               "Trọng", "Anh", "Tiến", "Bá", "Duy", "Hồng", "Viết", "Khắc", "Mạnh")
MIDDLE_FEMALE = ("Thị", "Thị", "Thị", "Thu", "Ngọc", "Thanh", "Minh", "Phương", "Hồng", "Kim",
                 "Thúy", "Hoài", "Diệu", "Bích", "Mai", "Khánh")
GIVEN_MALE = ("Anh", "Hùng", "Dũng", "Tuấn", "Hải", "Nam", "Sơn", "Thắng", "Long", "Quân", "Cường",
              "Hiếu", "Trung", "Đạt", "Phong", "Khoa", "Lâm", "Toàn", "Bình", "Hòa", "Thành", "Vinh",
              "Hưng", "Tùng", "Kiên", "Lộc", "Phúc", "Quý", "Tâm", "Thịnh", "Việt", "Huy", "Đông",
              "Hoàng", "Khánh", "Mạnh", "Nghĩa", "Quyết", "Sáng", "Thuận", "Trường", "Tú", "Vũ")
GIVEN_FEMALE = ("Lan", "Hương", "Hoa", "Mai", "Linh", "Trang", "Hà", "Thảo", "Nga", "Huyền", "Thủy",
                "Ngọc", "Yến", "Phương", "Hạnh", "Dung", "Loan", "Oanh", "Nhung", "Vân", "Hằng",
                "Liên", "Thu", "Giang", "Quỳnh", "Trâm", "Uyên", "Hiền", "Tuyết", "Châu", "Thư",
                "Ly", "Nhàn", "Xuân", "Hồng", "Bích")

#: Departments of the province (Sở, ban, ngành), with the units some of them run.
DEPARTMENTS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Văn phòng Ủy ban nhân dân tỉnh", ()),
    ("Sở Tài chính", ("Trung tâm Xúc tiến đầu tư",)),
    ("Sở Nội vụ", ()),
    ("Sở Tư pháp", ("Trung tâm Trợ giúp pháp lý nhà nước",)),
    ("Sở Xây dựng", ("Trung tâm Giám định chất lượng xây dựng",)),
    ("Sở Nông nghiệp và Môi trường", ("Văn phòng Đăng ký đất đai", "Chi cục Kiểm lâm")),
    ("Sở Công Thương", ()),
    ("Sở Giáo dục và Đào tạo", ("Trường Trung học phổ thông Huỳnh Thúc Kháng",)),
    ("Sở Y tế", ("Bệnh viện Hữu nghị đa khoa", "Trung tâm Kiểm soát bệnh tật")),
    ("Sở Văn hóa, Thể thao và Du lịch", ()),
    ("Sở Khoa học và Công nghệ", ()),
    ("Sở Dân tộc và Tôn giáo", ()),
    ("Thanh tra tỉnh", ()),
    ("Ban Quản lý Khu kinh tế Đông Nam", ()),
    ("Ban Quản lý dự án đầu tư xây dựng các công trình dân dụng và công nghiệp", ()),
)

#: Communes and wards (after the 2025 reorganisation they report to the province directly).
COMMUNES: tuple[str, ...] = (
    "phường Thành Vinh", "phường Trường Vinh", "phường Vinh Hưng", "phường Vinh Phú",
    "phường Vinh Lộc", "phường Cửa Lò", "phường Hoàng Mai", "phường Thái Hòa", "xã Diễn Châu",
    "xã Quỳnh Lưu", "xã Yên Thành", "xã Đô Lương", "xã Nghi Lộc", "xã Hưng Nguyên", "xã Nam Đàn",
    "xã Thanh Chương", "xã Anh Sơn", "xã Con Cuông", "xã Tân Kỳ", "xã Nghĩa Đàn", "xã Quỳ Hợp",
    "xã Tương Dương", "xã Kỳ Sơn", "xã Quế Phong",
)

#: Positions (chức vụ/chức danh). Annual declarants (Law Art. 36.3): leaders from deputy head of
#: division up, and posts listed by Decree 130 (land, finance, accounting...).
DEPARTMENT_LEADERS = ("Giám đốc Sở", "Phó Giám đốc Sở")
DIVISIONS = ("Văn phòng", "Phòng Kế hoạch - Tài chính", "Phòng Tổ chức cán bộ", "Phòng Quản lý đầu tư",
             "Phòng Pháp chế", "Phòng Nghiệp vụ", "Phòng Thanh tra - Kiểm tra", "Phòng Quản lý ngân sách")
ANNUAL_POSTS_DEPARTMENT = ("Kế toán trưởng", "Chuyên viên thẩm định dự án", "Chuyên viên quản lý ngân sách",
                           "Chuyên viên quản lý đất đai")
PLAIN_POSTS_DEPARTMENT = ("Chuyên viên", "Chuyên viên chính", "Cán sự", "Chuyên viên pháp chế",
                          "Chuyên viên tổng hợp")
COMMUNE_LEADERS = ("Chủ tịch Ủy ban nhân dân", "Phó Chủ tịch Ủy ban nhân dân")
ANNUAL_POSTS_COMMUNE = ("Công chức Địa chính - Xây dựng", "Công chức Tài chính - Kế toán",
                        "Trưởng phòng Kinh tế", "Phó Trưởng phòng Kinh tế", "Trưởng phòng Văn hóa - Xã hội")
PLAIN_POSTS_COMMUNE = ("Công chức Tư pháp - Hộ tịch", "Công chức Văn hóa - Xã hội", "Chuyên viên",
                       "Công chức Văn phòng - Thống kê")

OCCUPATIONS = (("Giáo viên", "Trường Tiểu học {commune}"), ("Bác sĩ", "Trung tâm Y tế {commune}"),
               ("Kế toán", "Công ty TNHH Thương mại {street}"), ("Kinh doanh tự do", "{commune}"),
               ("Nhân viên ngân hàng", "Ngân hàng TMCP Công thương chi nhánh {province}"),
               ("Viên chức", "Trung tâm Văn hóa {commune}"), ("Công chức", "Ủy ban nhân dân {commune}"),
               ("Điều dưỡng", "Bệnh viện Hữu nghị đa khoa {province}"), ("Nội trợ", ""))

STREETS = ("Lê Lợi", "Trần Phú", "Quang Trung", "Nguyễn Du", "Phan Đình Phùng", "Lê Hồng Phong",
           "Nguyễn Thị Minh Khai", "Hồ Tùng Mậu", "Trường Chinh", "Hà Huy Tập", "Nguyễn Văn Cừ",
           "Lê Duẩn", "Mai Hắc Đế", "Phong Định Cảng", "Nguyễn Sỹ Sách", "Lý Thường Kiệt",
           "Đinh Công Tráng", "Nguyễn Trãi", "Phạm Hồng Thái", "Cao Thắng", "Trần Hưng Đạo",
           "Hồ Xuân Hương", "Nguyễn Phong Sắc", "Tôn Thất Tùng", "Lê Mao", "Đặng Thai Mai")
HAMLETS = ("xóm 1", "xóm 2", "xóm 3", "xóm 4", "xóm 5", "xóm 7", "xóm Đông", "xóm Tây", "xóm Trung",
           "thôn Yên Lạc", "thôn Phú Thọ", "thôn Đông Lâm", "khối Tân Phúc", "khối Yên Hòa")

BANKS = ("Vietcombank", "BIDV", "VietinBank", "Agribank", "Techcombank", "MB", "VPBank", "ACB",
         "Sacombank", "SHB")
STOCKS = ("VCB", "FPT", "VNM", "HPG", "MWG", "VIC", "GAS", "SSI", "TCB", "DGC", "PNJ", "REE")
CAR_MODELS = ("Toyota Vios", "Toyota Innova", "Toyota Fortuner", "Toyota Camry", "Honda CR-V",
              "Honda City", "Mazda CX-5", "Mazda 3", "Hyundai Accent", "Hyundai Santa Fe", "Kia Seltos",
              "Kia Sorento", "Ford Ranger", "Ford Everest", "Mitsubishi Xpander", "VinFast VF 8",
              "VinFast Lux A2.0")
MOTORBIKES = ("Honda SH 150i", "Honda SH Mode", "Honda Air Blade", "Yamaha Exciter", "Honda Vision",
              "Piaggio Vespa Sprint", "Yamaha NVX")
ART = ("Bộ bàn ghế gỗ hương", "Bộ bàn ghế gỗ gụ", "Tranh sơn mài", "Sập gỗ gụ", "Tủ chè gỗ gụ",
       "Đồng hồ Rolex")
HEIRLOOMS = (("3.1", "Cây lâu năm (vườn cam)", "Vườn cam trồng năm 2009, chưa thu hoạch ổn định nên "
              "không xác định được giá trị"),
             ("3.1", "Cây lâu năm (chè công nghiệp)", "Đồi chè do bố mẹ để lại, không có giá thị trường"),
             ("7.2", "Tranh cổ gia truyền", "Tài sản gia truyền, không có căn cứ định giá"),
             ("3.3", "Giếng khoan và tường rào", "Vật kiến trúc xây từ lâu, không xác định được giá trị"))
FOREIGN = (("9", "Tài khoản tiền gửi tại ngân hàng DBS", "Singapore"),
           ("9", "Tài khoản tiền gửi tại ngân hàng Commonwealth Bank", "Úc"),
           ("9", "Tài khoản tiền gửi tại ngân hàng Shinhan", "Hàn Quốc"),
           ("9", "Tài khoản tiền gửi tại ngân hàng MUFG", "Nhật Bản"),
           ("8", "Căn hộ chung cư", "Úc"),
           ("8", "Căn hộ chung cư", "Hàn Quốc"))
FOREIGN_CITIES = {"Úc": "Melbourne, bang Victoria, Úc", "Hàn Quốc": "Quận Mapo, Seoul, Hàn Quốc",
                  "Singapore": "Singapore", "Nhật Bản": "Tokyo, Nhật Bản"}

#: Explanations of the origin of an increase (giải trình nguồn gốc).
SAVING_REASONS = ("Tiết kiệm từ tiền lương và phụ cấp", "Tiết kiệm từ thu nhập của hai vợ chồng",
                  "Tích lũy từ lương và thu nhập hợp pháp của gia đình")
SPENDING_REASONS = ("Chi tiêu sinh hoạt và học tập của con", "Chi chữa bệnh cho bố mẹ",
                    "Chi sửa chữa nhà ở", "Hỗ trợ con đi học đại học")
PURCHASE_REASONS = ("Mua bằng tiền tiết kiệm của gia đình", "Mua bằng tiền tiết kiệm và vay của anh em",
                    "Mua bằng tiền tích lũy từ lương của hai vợ chồng")
GIFT_REASONS = ("Được bố mẹ tặng cho", "Nhận thừa kế từ bố mẹ", "Được bố mẹ vợ tặng cho")
