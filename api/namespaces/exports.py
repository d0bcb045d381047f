"""Exports: a patient's FHIR R4 Bundle and CSV files (`ns`, under /patients), and the
clinic's pseudonymised research CSV (`clinic_ns`, at /exports)."""

from flask import Response, stream_with_context
from flask_restx import Namespace, Resource

from api.auth import authenticated, current_user
from api.errors import PROBLEM_MEDIA_TYPE
from api.namespaces.common import document_problems
from api.restx import model, query_args, query_params
from api.schemas.exports import ClinicExportQuerySchema, FhirBundleSchema, PatientExportQuerySchema
from services import exports as export_service
from services.exports import CSV_MEDIA_TYPE, FHIR_MEDIA_TYPE, ExportFile

ns = Namespace("exports", description="A patient's record as a FHIR R4 Bundle or CSV")
clinic_ns = Namespace("clinic-exports", description="The clinic's pseudonymised data, for research")
PID = {"pid": "A patient id"}
CSV_FILE = {"type": "string", "description": "UTF-8 CSV with a byte-order mark and a header row"}


def _download(export: ExportFile) -> Response:
    """The export as an attachment; a generator body is streamed within the request's context."""
    body = export.body if isinstance(export.body, bytes) else stream_with_context(export.body)
    return Response(
        body,
        mimetype=export.media_type,
        headers={"Content-Disposition": f"attachment; filename={export.filename}"},
    )


@ns.route("/<string:pid>/fhir")
@ns.doc(params=PID)
class PatientFhir(Resource):
    @ns.doc(security="bearer")
    @ns.produces([FHIR_MEDIA_TYPE, PROBLEM_MEDIA_TYPE])
    @ns.response(
        200,
        "A FHIR R4 Bundle (collection) of the patient's record, as application/fhir+json",
        model(ns, FhirBundleSchema),
    )
    @document_problems(ns, 401, 403, 404)
    @authenticated
    def get(self, pid):
        """The patient, check-ins, PHQ-9/GAD-7 and sessions as FHIR R4 (staff)."""
        return _download(export_service.fhir_bundle(current_user(), pid))


@ns.route("/<string:pid>/export.csv")
@ns.doc(params=PID)
class PatientCsv(Resource):
    @ns.doc(security="bearer", params=query_params(PatientExportQuerySchema))
    @ns.produces([CSV_MEDIA_TYPE, PROBLEM_MEDIA_TYPE])
    @ns.response(200, "One row per record, as text/csv", ns.schema_model("CsvFile", CSV_FILE))
    @document_problems(ns, 401, 403, 404, 422)
    @authenticated
    def get(self, pid):
        """A patient's check-ins, questionnaires or sessions as CSV (staff)."""
        args = query_args(PatientExportQuerySchema)
        return _download(export_service.patient_csv(current_user(), pid, args["kind"]))


@clinic_ns.route("/clinic.csv")
class ClinicCsv(Resource):
    @clinic_ns.doc(security="bearer", params=query_params(ClinicExportQuerySchema))
    @clinic_ns.produces([CSV_MEDIA_TYPE, PROBLEM_MEDIA_TYPE])
    @clinic_ns.response(
        200,
        "The clinic's records with pseudonymous patient ids, streamed as text/csv",
        clinic_ns.schema_model("CsvFile", CSV_FILE),
    )
    @document_problems(clinic_ns, 401, 403, 422)
    @authenticated
    def get(self):
        """The whole clinic's check-ins, questionnaires or sessions for research (admins)."""
        args = query_args(ClinicExportQuerySchema)
        export = export_service.clinic_csv(current_user(), args["kind"], args["date_shift"])
        return _download(export)
