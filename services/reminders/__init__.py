"""Daily check-in reminders: settings, Web Push subscriptions, the scheduler's tick, the trail.

See docs/reminders.md for the algorithm and why each reminder goes out exactly once.
"""

from services.reminders.settings import (
    ReminderSettingsView,
    compute_next_due,
    get_settings,
    recompute_next_due,
    update_settings,
)
from services.reminders.subscriptions import (
    SavedSubscription,
    check_endpoint,
    delete_subscription,
    save_subscription,
)
from services.reminders.tick import TickReport, reminder_message, run_tick
from services.reminders.trail import PushStatus, ReminderTrail, record_click, reminder_trail

__all__ = [
    "PushStatus",
    "ReminderSettingsView",
    "ReminderTrail",
    "SavedSubscription",
    "TickReport",
    "check_endpoint",
    "compute_next_due",
    "delete_subscription",
    "get_settings",
    "recompute_next_due",
    "record_click",
    "reminder_message",
    "reminder_trail",
    "run_tick",
    "save_subscription",
    "update_settings",
]
