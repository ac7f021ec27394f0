"""The risk vocabulary: the WA Tool API's RiskCounts keys, and the lens file's names for them."""

UNANSWERED = "UNANSWERED"
HIGH = "HIGH"
MEDIUM = "MEDIUM"
NONE = "NONE"
NOT_APPLICABLE = "NOT_APPLICABLE"

#: RiskCounts keys, in the order tables and charts show them.
RISKS = (UNANSWERED, HIGH, MEDIUM, NONE, NOT_APPLICABLE)

#: ``riskRules[].risk`` in a lens file -> the API's risk.
FROM_LENS = {"HIGH_RISK": HIGH, "MEDIUM_RISK": MEDIUM, "NO_RISK": NONE}
TO_LENS = {value: key for key, value in FROM_LENS.items()}

#: How urgent a risk is, for ordering improvement lists (lower first).
SEVERITY = {HIGH: 0, MEDIUM: 1, NONE: 2, UNANSWERED: 3, NOT_APPLICABLE: 4}
