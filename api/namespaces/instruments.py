"""The questionnaires as data: PHQ-9 and GAD-7, verbatim, with their codes."""

from flask_restx import Namespace, Resource

from api.auth import authenticated
from api.namespaces.common import document_problems, dump
from api.restx import model
from api.schemas.clinical import InstrumentListSchema, InstrumentSchema
from clinical.instruments import INSTRUMENTS

ns = Namespace("instruments", description="PHQ-9 and GAD-7 definitions (Pfizer's copyright line)")


@ns.route("")
class Instruments(Resource):
    @ns.doc(security="bearer")
    @ns.response(200, "The instruments", model(ns, InstrumentListSchema))
    @document_problems(ns, 401)
    @authenticated
    def get(self):
        """Items, options, LOINC codes, severity bands and copyright of each instrument."""
        return {"items": dump(InstrumentSchema, list(INSTRUMENTS.values()), many=True)}
