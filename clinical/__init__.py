"""Pure clinical rules: instruments, scoring, outcome metrics, durability, alert rules.

Nothing here imports the database, Flask or any other package of this project,
and nothing reads the clock: callers pass `today`/`as_of`, local dates
(`datetime.date`) and aware UTC instants. Modules:

- daily: the three 0-10 daily scales, their direction, side-effect vocabulary, FHIR codings
- instruments: PHQ-9 and GAD-7 as data; `score`, `severity_band`
- safety: item-9 and self-harm signals; `crisis_resources`
- outcomes: baseline, change, response, remission, reliable change per measure
- trends: daily series with 7-day means; direction of change over a period
- durability: how long each treatment session's benefit lasted
- alerts: the alert rules and their clinic-configurable thresholds
- schedule: which questionnaires are due

docs/clinical.md states every rule, threshold and default with its source.
"""
