"""Reminders: the VAPID public key (`push_ns`, at /push), and under /patients/{pid}: push
subscriptions, reminder settings and the delivery trail (`ns`)."""

from flask import request
from flask_restx import Namespace, Resource

from api.auth import authenticated, current_user
from api.errors import Problem
from api.namespaces.common import document_problems, dump, problem
from api.restx import json_body, model, query_args, query_params
from api.schemas.reminders import (
    PublicKeySchema,
    PushSubscriptionCreateSchema,
    PushSubscriptionDeleteSchema,
    PushSubscriptionSchema,
    ReminderSettingsSchema,
    ReminderSettingsUpdateSchema,
    ReminderTrailQuerySchema,
    ReminderTrailSchema,
)
from services import push as push_service
from services import reminders as reminder_service

ns = Namespace("reminders", description="Reminder settings, push subscriptions, delivery trail")
push_ns = Namespace("push", description="Web Push (VAPID)")
PID = {"pid": "A patient id; a patient may use `me`"}


@push_ns.route("/public-key")
class PublicKey(Resource):
    @push_ns.doc(security="bearer")
    @push_ns.response(200, "The VAPID public key", model(push_ns, PublicKeySchema))
    @push_ns.response(503, "Push is not configured on this server", problem(push_ns))
    @document_problems(push_ns, 401)
    @authenticated
    def get(self):
        """The application server key to pass to PushManager.subscribe()."""
        try:
            key = push_service.public_key()
        except push_service.PushNotConfigured:
            raise Problem(503, "Reminders by push are not configured on this server.") from None
        return dump(PublicKeySchema, {"public_key": key})


@ns.route("/<string:pid>/push-subscriptions")
@ns.doc(params=PID)
class PushSubscriptions(Resource):
    @ns.doc(security="bearer")
    @ns.expect(model(ns, PushSubscriptionCreateSchema))
    @ns.response(201, "Stored", model(ns, PushSubscriptionSchema))
    @ns.response(200, "Already known: refreshed", model(ns, PushSubscriptionSchema))
    @document_problems(ns, 401, 403, 404, 415, 422)
    @authenticated
    def post(self, pid):
        """Register this device's push subscription (the patient)."""
        data = json_body(PushSubscriptionCreateSchema)
        saved = reminder_service.save_subscription(
            current_user(),
            pid,
            endpoint=data["endpoint"],
            p256dh=data["keys"]["p256dh"],
            auth=data["keys"]["auth"],
            user_agent=data.get("user_agent") or request.headers.get("User-Agent"),
        )
        return dump(PushSubscriptionSchema, saved.subscription), 201 if saved.created else 200

    @ns.doc(security="bearer")
    @ns.expect(model(ns, PushSubscriptionDeleteSchema))
    @ns.response(204, "Removed (or was not there)")
    @document_problems(ns, 401, 403, 404, 415, 422)
    @authenticated
    def delete(self, pid):
        """Stop reminders on this device (the patient)."""
        data = json_body(PushSubscriptionDeleteSchema)
        reminder_service.delete_subscription(current_user(), pid, data["endpoint"])
        return "", 204


@ns.route("/<string:pid>/reminder-settings")
@ns.doc(params=PID)
class ReminderSettings(Resource):
    @ns.doc(security="bearer")
    @ns.response(200, "The settings, or the defaults", model(ns, ReminderSettingsSchema))
    @document_problems(ns, 401, 404)
    @authenticated
    def get(self, pid):
        """When the daily reminder comes (defaults: off, 19:00, every day, the patient's zone)."""
        return dump(ReminderSettingsSchema, reminder_service.get_settings(current_user(), pid))

    @ns.doc(security="bearer")
    @ns.expect(model(ns, ReminderSettingsUpdateSchema))
    @ns.response(200, "Saved", model(ns, ReminderSettingsSchema))
    @document_problems(ns, 401, 404, 415, 422)
    @authenticated
    def put(self, pid):
        """Set the reminder (the patient, or their clinic's staff with them)."""
        data = json_body(ReminderSettingsUpdateSchema)
        settings = reminder_service.update_settings(current_user(), pid, **data)
        return dump(ReminderSettingsSchema, settings)


@ns.route("/<string:pid>/reminders")
@ns.doc(params=PID)
class Reminders(Resource):
    @ns.doc(security="bearer", params=query_params(ReminderTrailQuerySchema))
    @ns.response(200, "Reminders newest first, each attempt", model(ns, ReminderTrailSchema))
    @document_problems(ns, 401, 403, 404, 422)
    @authenticated
    def get(self, pid):
        """The delivery trail of a patient's reminders (clinic staff)."""
        args = query_args(ReminderTrailQuerySchema)
        trail = reminder_service.reminder_trail(current_user(), pid, args["limit"])
        return dump(ReminderTrailSchema, trail)


@ns.route("/<string:pid>/reminders/<int:delivery_id>/clicked")
@ns.doc(params=PID)
class ReminderClicked(Resource):
    @ns.doc(security="bearer")
    @ns.response(204, "Recorded (a reminder already marked clicked is unchanged)")
    @document_problems(ns, 401, 403, 404)
    @authenticated
    def post(self, pid, delivery_id):
        """The patient opened the app from this reminder's notification (the patient)."""
        reminder_service.record_click(current_user(), pid, delivery_id)
        return "", 204
