"""The field-level three-way merge of one record (core/merge.py), on real record texts."""

from __future__ import annotations

import yaml

from rosa_cli.core.merge import WHOLE, merge_texts

BASE = "id: W-2006-AAAAA\nfirst_contact: 2006-01-10\nnationality: NG  # from the police\nborn: 1980\n"


def test_fields_changed_on_one_side_each_are_both_taken_and_comments_kept():
    mine = BASE.replace("born: 1980", "born: 1981")
    theirs = BASE + "interpreter: sq\n"
    result = merge_texts(BASE, mine, theirs)
    assert result.clean and result.taken_from_theirs == ["interpreter"]
    data = yaml.safe_load(result.text)
    assert data["born"] == 1981 and data["interpreter"] == "sq" and data["nationality"] == "NG"
    assert "# from the police" in result.text


def test_same_change_on_both_sides_is_no_conflict_and_layout_does_not_matter():
    mine = BASE.replace("born: 1980", "born: 1981")
    theirs = BASE.replace("born: 1980", "born: 1981  # checked")
    assert merge_texts(BASE, mine, theirs).clean
    quoted = BASE.replace("nationality: NG  # from the police", "nationality: 'NG'")
    assert merge_texts(BASE, quoted, BASE.replace("born: 1980", "born: 1979")).clean


def test_same_field_changed_differently_is_a_conflict_settled_by_keep():
    mine = BASE.replace("nationality: NG", "nationality: SE")
    theirs = BASE.replace("nationality: NG", "nationality: AL")
    result = merge_texts(BASE, mine, theirs)
    assert not result.clean and result.text is None
    (conflict,) = result.conflicts
    assert (conflict.field, conflict.base, conflict.mine, conflict.theirs) == ("nationality", "NG", "SE", "AL")
    assert yaml.safe_load(merge_texts(BASE, mine, theirs, keep="theirs").text)["nationality"] == "AL"
    assert yaml.safe_load(merge_texts(BASE, mine, theirs, keep={"nationality": "mine"}).text)["nationality"] == "SE"


def test_a_field_added_at_two_places_is_one_field_not_a_duplicate_key():
    mine = BASE.replace("born: 1980\n", "note: a\nborn: 1980\n")
    theirs = BASE + "note: b\n"
    result = merge_texts(BASE, mine, theirs)
    assert [c.field for c in result.conflicts] == ["note"]


def test_deleted_on_one_side_changed_on_the_other_is_a_whole_record_conflict():
    mine = BASE.replace("born: 1980", "born: 1981")
    result = merge_texts(BASE, mine, None)
    assert [c.field for c in result.conflicts] == [WHOLE]
    assert merge_texts(BASE, BASE, None).text is None  # deleted, not changed here: deleted
    assert merge_texts(BASE, mine, None, keep="mine").text == mine


def test_an_unreadable_side_is_never_merged_line_by_line():
    theirs = BASE + "born: 1990\n"  # duplicate key
    result = merge_texts(BASE, BASE.replace("NG", "AL"), theirs)
    assert [c.field for c in result.conflicts] == [WHOLE]
