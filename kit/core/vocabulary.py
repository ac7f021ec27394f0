"""The risk vocabulary: the WA Tool API's RiskCounts keys, the lens file's names for them, and the risk register's levels and statuses."""

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

# --- the failure-mode risk register ------------------------------------------------------

LOW = "LOW"
#: How likely a failure mode is, and how bad it would be: the register's three levels, highest first.
LEVELS = (HIGH, MEDIUM, LOW)
#: A level's weight; an entry's rating is likelihood weight times impact weight (1 to 9).
LEVEL_WEIGHT = {HIGH: 3, MEDIUM: 2, LOW: 1}
LEVEL_WORDS = {HIGH: "High", MEDIUM: "Medium", LOW: "Low"}

OPEN = "OPEN"
MITIGATED = "MITIGATED"
ACCEPTED = "ACCEPTED"
CLOSED = "CLOSED"
#: A register entry's status. The order is also the ranking's tie-break: what still needs work first.
ENTRY_STATUSES = (OPEN, ACCEPTED, MITIGATED, CLOSED)
STATUS_WORDS = {OPEN: "Open", ACCEPTED: "Accepted", MITIGATED: "Mitigated", CLOSED: "Closed"}
