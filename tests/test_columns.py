"""Header matching: aliases and explicit mapping."""

import stakeholder_graph as sg


def test_header_aliases_and_explicit_mapping(write):
    aliased = write("a.csv", "When,From,To,Channel,Program\n2024-01-05,A,B,email,diabetes\n")
    log = sg.read_interactions(aliased)
    assert (log["source"][0], log["target"][0], log["type"][0], log["programme"][0]) == ("A", "B", "email", "diabetes")
    odd = write("b.csv", "Contact date,Lead org,Other org\n2024-01-05,A,B\n")
    log = sg.read_interactions(odd, columns={"date": "Contact date", "source": "Lead org", "target": "Other org"})
    assert (log["source"][0], log["target"][0]) == ("A", "B")
