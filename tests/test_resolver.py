"""The resolver picks one place per span from context, and drops what is not a place."""


def resolved(parser, text):
    return [(m.surface, m.place.place_id) for m in parser.parse(text)]


def test_georgia_next_to_armenia_and_baku_is_the_country(mini_parser):
    text = "Talks in Baku and Yerevan were also watched in Georgia, Armenia's northern neighbour."
    assert ("Georgia", "gn:614540") in resolved(mini_parser, text)


def test_paris_alone_is_the_french_capital(mini_parser):
    assert resolved(mini_parser, "Protests spread across Paris on Sunday.") == [("Paris", "gn:2988507")]


def test_a_person_named_after_a_place_is_not_a_place(mini_parser):
    text = "Foreign Minister Ararat Mirzoyan met his counterpart in Baku."
    assert resolved(mini_parser, text) == [("Baku", "gn:587084")]


def test_a_surname_after_a_first_name_is_not_a_place(mini_parser):
    assert resolved(mini_parser, "The envoy Charles Paris arrived.") == []


def test_one_sense_per_name_per_text(mini_parser):
    mentions = mini_parser.parse("Paris, Texas is small. Paris grew anyway.")
    assert len({m.place.place_id for m in mentions if m.surface == "Paris"}) == 1


def test_demonyms_count_as_their_country_unless_left_out(mini_gazetteer, mini_parser):
    from gazetteer import Geoparser

    text = "Tajik migrants returned from Moscow."
    assert [(m.surface, m.place.place_id, m.mention_kind) for m in mini_parser.parse(text)] == [
        ("Tajik", "gn:1220409", "demonym"), ("Moscow", "gn:524901", "place")]
    without = Geoparser(mini_gazetteer, include_demonyms=False)
    assert resolved(without, text) == [("Moscow", "gn:524901")]


def test_confidence_and_reason_are_given(mini_parser):
    (mention,) = mini_parser.parse("Shelling hit Jermuk overnight.")
    assert 0.0 < mention.confidence <= 1.0
    assert "city of 4,095" in mention.reason
