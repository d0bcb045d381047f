"""Safety signals (self-harm thoughts, PHQ-9 item 9) and the crisis resources shown at once.

Source: clinical.md "PHQ-9 (depression)": item 9 > 0 needs same-day clinician
follow-up and the patient must see crisis resources at once (US: call or text
988; emergency 911), told plainly that answers are not monitored in real time.
"""

import re
from collections.abc import Sequence

from clinical.instruments import PHQ9_ITEM9_INDEX, validate_answers

NOT_MONITORED_NOTICE = (
    "Your answers are not monitored in real time. If you are thinking about hurting "
    "yourself or feel unsafe, call or text 988 now, or call 911 in an emergency."
)

# What the clinic must do after a safety signal (shown to clinicians, not patients).
CLINICIAN_FOLLOW_UP = (
    "Same-day clinician follow-up with a structured risk assessment (such as the C-SSRS)."
)

_EXTENSION = re.compile(r"(?i)\s*(?:ext\.?|extension|x|#)\s*(\d+)\s*$")


def phq9_item9_positive(answers: Sequence[int]) -> bool:
    """True when PHQ-9 item 9 (thoughts of death or self-harm) is answered above 0.

    Source: clinical.md "Item 9 > 0 needs same-day clinician follow-up" (Simon 2013).
    """
    return validate_answers("phq9", answers)[PHQ9_ITEM9_INDEX] > 0


def has_safety_signal(
    *, self_harm_thoughts: bool | None = None, phq9_answers: Sequence[int] | None = None
) -> bool:
    """True when a check-in reports self-harm thoughts or a PHQ-9 has item 9 above 0.

    Source: DESIGN.md §5 "Any answer that records a safety signal ... carries crisis_resources".
    """
    if self_harm_thoughts is True:
        return True
    return phq9_answers is not None and phq9_item9_positive(phq9_answers)


def tel_href(phone: str) -> str | None:
    """A `tel:` URI for a phone number as typed, or None when it holds no digits.

    Keeps a leading "+" (international form) and turns a trailing extension
    ("x12", "ext. 12") into RFC 3966's ";ext=12". Source: RFC 3966.
    """
    text = phone.strip()
    extension = _EXTENSION.search(text)
    if extension:
        text = text[: extension.start()]
    digits = re.sub(r"\D", "", text)
    if not digits:
        return None
    prefix = "+" if text.startswith("+") else ""
    suffix = f";ext={extension.group(1)}" if extension else ""
    return f"tel:{prefix}{digits}{suffix}"


def crisis_resources(clinic_name: str, clinic_phone: str | None) -> list[dict[str, str]]:
    """The crisis contacts shown with any safety signal: 988 call, 988 text, 911, the clinic.

    Source: clinical.md "US: call or text 988; emergency 911" and DESIGN.md §5.
    The clinic entry is present only when the clinic has a phone number with digits.
    """
    resources = [
        {"name": "988 Suicide & Crisis Lifeline: call", "phone": "988", "href": "tel:988"},
        {"name": "988 Suicide & Crisis Lifeline: text", "phone": "988", "href": "sms:988"},
        {"name": "Emergency services", "phone": "911", "href": "tel:911"},
    ]
    href = tel_href(clinic_phone) if clinic_phone else None
    if href is not None and clinic_phone is not None:
        name = clinic_name.strip() if clinic_name and clinic_name.strip() else "Your clinic"
        resources.append({"name": name, "phone": clinic_phone.strip(), "href": href})
    return resources
