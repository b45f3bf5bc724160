from motcua.core.text import nfc, search_key


def test_search_key_folds_diacritics_and_d_stroke():
    assert search_key("Đăng ký  HỘ KINH DOANH") == "dang ky ho kinh doanh"
    assert search_key("Nguyễn Thị Ánh Tuyết") == "nguyen thi anh tuyet"


def test_decomposed_input_is_stored_composed():
    decomposed = "Ho\u0302\u0323 ti\u0323ch"  # "Hộ tịch" typed with combining marks
    assert nfc(decomposed) == "Hộ tịch"
    assert search_key(decomposed) == "ho tich"
