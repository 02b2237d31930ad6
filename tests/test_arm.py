"""components/arm: Azure Resource Manager names and ids as the rules read them."""

import re

from components.arm import any_case


def test_any_case_matches_every_letter_case_and_only_the_text() -> None:
    assert any_case("Ab.c") == r"[Aa][Bb]\.[Cc]"
    pattern = re.compile(f"^{any_case('Microsoft.Databricks/workspaces')}$")
    assert pattern.match("microsoft.databricks/WORKSPACES")
    # The dot is a dot and the other characters are kept.
    assert not pattern.match("MicrosoftXDatabricks/workspaces")
    assert any_case("a-1 (b)|c") == r"[Aa]-1 \([Bb]\)\|[Cc]"
