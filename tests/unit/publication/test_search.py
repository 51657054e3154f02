from services.publication.domain.search import fold, matches


def test_names_are_found_with_or_without_diacritics():
    assert fold("  Huyện  Đức Thọ ") == "huyen duc tho"
    assert matches("duc tho", "Huyện Đức Thọ")
    assert matches("ky anh", "Thị xã Kỳ Anh") and matches("KỲ ANH", "Thị xã Kỳ Anh")
    assert matches("Đức", "Huyện Đức Thọ") and not matches("Đúc", "Huyện Đức Thọ")
    assert matches("436", "Thành phố Hà Tĩnh", "436")
    assert not matches("   ", "Huyện Đức Thọ") and not matches("can loc", "Huyện Đức Thọ")
