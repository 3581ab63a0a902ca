"""Triple attributes: scope of negation and hedges, double negation, certainty, evidence, causality, context."""

from __future__ import annotations

import json
from types import SimpleNamespace
from typing import Any, Optional

import pytest

from axis_nlp.attributes import negation_of, relation_attributes

from .conftest import REPO


def span(text: str, words: str, occurrence: int = 1) -> tuple[int, int]:
    start = -1
    for _ in range(occurrence):
        start = text.index(words, start + 1)
    return start, start + len(words)


def attrs(text: str, factor: str, effect: str, direction: Optional[str] = None, *,
          factor_n: int = 1, effect_n: int = 1, **kwargs: Any) -> dict[str, Any]:
    return relation_attributes(text, span(text, factor, factor_n), span(text, effect, effect_n), direction, **kwargs)


# ------------------------------------------------------------------------------------------------
# Scope: a cue counts only inside the relation's clause
# ------------------------------------------------------------------------------------------------
BUT = "Alendronate did not alter cognitive function, but exercise increased hippocampal volume."
WHEREAS = "Denosumab did not alter serum osteocalcin, whereas teriparatide increased bone formation."


@pytest.mark.parametrize("text,factor,effect", [(BUT, "Alendronate", "cognitive function"),
                                                 (WHEREAS, "Denosumab", "osteocalcin")])
def test_negation_marks_the_negated_relation(text: str, factor: str, effect: str) -> None:
    result = attrs(text, factor, effect)
    assert result["negated"] is True
    assert result["trigger"]["text"] == "did not alter"


@pytest.mark.parametrize("text,factor,effect", [(BUT, "exercise", "hippocampal volume"),
                                                 (WHEREAS, "teriparatide", "bone formation")])
@pytest.mark.parametrize("direction", [None, "increases"])
def test_negation_in_another_clause_does_not_mark_the_relation(text: str, factor: str, effect: str,
                                                               direction: Optional[str]) -> None:
    result = attrs(text, factor, effect, direction)
    assert result["negated"] is False and result["negation"] is None
    assert result["trigger"]["text"] == "increased"


def test_fronted_concessive_clause_is_out_of_scope() -> None:
    text = "Although vitamin D did not change BMD, calcitonin reduced bone resorption."
    assert attrs(text, "calcitonin", "bone resorption")["negated"] is False
    assert attrs(text, "vitamin D", "BMD")["negated"] is True


def test_negation_does_not_reach_a_coordinated_new_predicate() -> None:
    text = "Propranolol did not alter cortical thickness and increased trabecular bone volume in mice."
    assert attrs(text, "Propranolol", "cortical thickness")["negated"] is True
    assert attrs(text, "Propranolol", "trabecular bone volume")["negated"] is False


def test_negated_state_after_the_effect_is_in_scope() -> None:
    text = "Regulatory T cells increased bone mass, while bone formation was unaffected."
    assert attrs(text, "Regulatory T cells", "bone formation")["negated"] is True
    assert attrs(text, "Regulatory T cells", "bone mass")["negated"] is False


def test_hedge_in_a_following_comment_clause_does_not_mark_the_relation() -> None:
    text = ("Osteocalcin improved memory in aged mice, which suggests that osteocalcin may protect against "
            "cognitive decline.")
    assert attrs(text, "Osteocalcin", "memory", "increases")["certainty"] == "asserted"
    assert attrs(text, "osteocalcin", "cognitive decline", "decreases", factor_n=1)["hedged"] is True


def test_hedge_of_a_coordinated_clause_with_its_own_subject_does_not_mark_the_relation() -> None:
    text = "Sclerostin may impair memory, and IL-6 clearly increases bone resorption."
    assert attrs(text, "Sclerostin", "memory", "decreases")["hedged"] is True
    assert attrs(text, "IL-6", "bone resorption", "increases")["hedged"] is False


def test_hedge_carries_over_a_shared_subject() -> None:
    text = "Exercise may slow bone loss, reduce falls and relieve depressive symptoms in older adults."
    assert attrs(text, "Exercise", "depressive symptoms", "decreases")["hedged"] is True


def test_relation_inside_a_noun_phrase_is_presupposed() -> None:
    text = "Ketamine may suppress RANKL-induced osteoclastogenesis in vitro."
    assert attrs(text, "RANKL", "osteoclastogenesis", "increases")["hedged"] is False
    assert attrs(text, "Ketamine", "osteoclastogenesis", "decreases")["hedged"] is True


def test_cues_inside_other_entities_are_not_read() -> None:
    text = "Parkinson's disease is associated with hip fracture, to which falls and immobility are thought to contribute."
    entities = [span(text, w) for w in ("Parkinson's disease", "hip fracture", "falls", "immobility")]
    result = attrs(text, "immobility", "hip fracture", "increases", entities=entities)
    assert result["hedged"] is True


# ------------------------------------------------------------------------------------------------
# Double negation, "did not significantly"
# ------------------------------------------------------------------------------------------------
def test_did_not_fail_to_is_a_double_negation() -> None:
    text = "Osteocalcin did not fail to improve memory in aged mice."
    result = attrs(text, "Osteocalcin", "memory")
    assert result["negated"] is False
    negation = negation_of(text, span(text, "Osteocalcin"), span(text, "memory"))
    assert negation.double and negation.count == 2


def test_no_longer_unaffected_is_a_double_negation() -> None:
    text = "In aged mice, sclerostin levels were no longer unaffected by exercise."
    assert attrs(text, "sclerostin", "exercise")["negated"] is False
    assert negation_of(text, span(text, "sclerostin"), span(text, "exercise")).double


def test_no_longer_alone_negates() -> None:
    text = "After RbAp48 knockdown, osteocalcin no longer improved memory."
    assert attrs(text, "osteocalcin", "memory")["negated"] is True


def test_not_only_but_also_asserts_both() -> None:
    text = "IL-6 not only increased bone resorption but also impaired memory."
    assert attrs(text, "IL-6", "bone resorption", "increases")["negated"] is False
    assert attrs(text, "IL-6", "memory", "decreases")["negated"] is False


def test_neither_nor_counts_once() -> None:
    text = "Hormone therapy had no effect on cognition, neither improving nor worsening memory."
    assert attrs(text, "Hormone therapy", "memory")["negated"] is True
    text = "Neither tricyclic nor trazodone use was associated with BMD."
    assert attrs(text, "tricyclic", "BMD")["negated"] is True
    assert attrs(text, "trazodone", "BMD")["negated"] is True


def test_cannot_be_excluded_hedges_and_does_not_negate() -> None:
    text = "Vitamin K antagonists impaired memory in older adults, and a causal role cannot be excluded."
    assert attrs(text, "Vitamin K antagonists", "memory", "decreases")["negated"] is False


def test_loss_of_function_failure_is_a_phenotype_not_a_negation() -> None:
    text = "Mice lacking RANK fail to mount a fever after lipopolysaccharide."
    assert attrs(text, "RANK", "fever", "increases")["negated"] is False


@pytest.mark.parametrize("text,non_significant", [
    ("Zoledronic acid did not significantly increase the incidence of stroke.", True),
    ("Zoledronic acid did not increase the incidence of stroke.", False),
])
def test_did_not_significantly_is_negated_and_marked_non_significant(text: str, non_significant: bool) -> None:
    result = attrs(text, "Zoledronic acid", "stroke")
    assert result["negated"] is True
    assert result["negation"]["non_significant"] is non_significant
    assert result["trigger"]["text"].startswith("did not")
    assert result["causal"] is False


def test_did_not_reach_significance_is_a_non_significant_negation() -> None:
    text = "The association between IL-6 and BMD did not reach significance."
    result = attrs(text, "IL-6", "BMD")
    assert result["negated"] is True and result["negation"]["non_significant"] is True


def test_no_effect_direction_is_always_negated() -> None:
    text = "Raloxifene reduced vertebral fractures in the MORE trial."
    assert attrs(text, "Raloxifene", "vertebral fractures", "no_effect")["negated"] is True


# ------------------------------------------------------------------------------------------------
# Certainty
# ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("text,certainty", [
    ("Osteocalcin improves memory.", "asserted"),
    ("These data suggest that osteocalcin improves memory.", "hedged"),
    ("Osteocalcin may improve memory.", "hedged"),
    ("Osteocalcin is thought to improve memory.", "hedged"),
    ("Osteocalcin probably improves memory.", "hedged"),
    ("Osteocalcin might improve memory.", "speculative"),
    ("Osteocalcin may possibly improve memory.", "speculative"),
    ("It is tempting to speculate that osteocalcin improves memory.", "speculative"),
    ("Whether osteocalcin improves memory in humans remains unknown.", "speculative"),
    ("Small pilot studies suggest that osteocalcin might improve memory.", "speculative"),
])
def test_certainty_grading(text: str, certainty: str) -> None:
    factor = "Osteocalcin" if "Osteocalcin" in text else "osteocalcin"
    result = attrs(text, factor, "memory", "increases")
    assert result["certainty"] == certainty
    assert result["hedged"] is (certainty != "asserted")


def test_more_likely_is_a_risk_statement_not_a_hedge() -> None:
    text = "Women with low hip BMD were more likely to show cognitive decline."
    assert attrs(text, "BMD", "cognitive decline", "decreases")["hedged"] is False


# ------------------------------------------------------------------------------------------------
# Evidence
# ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("text,factor,effect,direction,kind,model", [
    ("In a prospective cohort of 1,200 older adults, higher serum osteocalcin was associated with better memory.",
     "osteocalcin", "memory", "increases", "human", "cohort"),
    ("Mendelian randomisation analyses found that genetically predicted BMD was not associated with "
     "Alzheimer's disease.", "BMD", "Alzheimer's disease", "no_effect", "human", "Mendelian randomisation"),
    ("Osteocalcin knockout mice showed impaired spatial learning.", "Osteocalcin", "spatial learning", "increases",
     "animal", "knockout"),
    ("In 5xFAD mice, sclerostin accelerated amyloid deposition.", "sclerostin", "amyloid deposition", "increases",
     "animal", "5xFAD"),
    ("In ovariectomized rats, alendronate preserved bone mass.", "alendronate", "bone mass", "increases", "animal",
     "ovariectomy"),
    ("In cultured osteoclasts, RANKL increased resorptive activity.", "RANKL", "resorptive activity", "increases",
     "in_vitro", "cell culture"),
])
@pytest.mark.parametrize("use_classifier", [True, False])
def test_evidence_type_and_model(text: str, factor: str, effect: str, direction: str, kind: str, model: str,
                                 use_classifier: bool) -> None:
    evidence = attrs(text, factor, effect, direction, use_classifier=use_classifier)["evidence"]
    assert evidence["type"] == kind
    assert evidence["model"] == model
    assert evidence["stated"] is True


def test_species_is_named() -> None:
    text = "In ovariectomized rats, alendronate preserved bone mass."
    assert attrs(text, "alendronate", "bone mass", "increases")["evidence"]["species"] == "rat"


def test_cultured_human_cells_are_in_vitro() -> None:
    text = "In cultured human osteoblastic cells, dexamethasone raised RANKL expression."
    assert attrs(text, "dexamethasone", "RANKL", "increases")["evidence"]["type"] == "in_vitro"


def test_general_statement_is_review() -> None:
    text = "Sclerostin inhibits Wnt signalling by binding LRP5."
    evidence = attrs(text, "Sclerostin", "Wnt signalling", "decreases")["evidence"]
    assert evidence == {"type": "review", "model": None, "stated": False}


def test_evidence_follows_the_clause_of_the_relation() -> None:
    text = ("GPR158 is up-regulated in the prefrontal cortex of patients with major depressive disorder, and Gpr158 "
            "knockout mice resist chronic stress-induced depressive-like behaviour.")
    assert attrs(text, "major depressive disorder", "GPR158", "increases", use_classifier=False)["evidence"]["type"] == "human"
    assert attrs(text, "Gpr158", "depressive-like behaviour", "increases", use_classifier=False)["evidence"]["type"] == "animal"


# ------------------------------------------------------------------------------------------------
# Causality
# ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("text,factor,effect,direction,causal", [
    ("Osteocalcin induces BDNF expression in mice.", "Osteocalcin", "BDNF", "increases", True),
    ("Gpr158 knockout causes anxiety-like behaviour in mice.", "Gpr158", "anxiety-like behaviour", "decreases", True),
    ("Chronic social defeat drives the release of monocytes from the bone marrow.", "Chronic social defeat",
     "monocytes", "increases", True),
    ("Serum osteocalcin was positively correlated with memory in older adults.", "osteocalcin", "memory",
     "increases", False),
    ("Higher FGF23 was linked to dementia in older adults.", "FGF23", "dementia", "increases", False),
    ("Patients with Parkinson's disease have lower BMD than controls.", "Parkinson's disease", "BMD", "decreases",
     False),
    ("Osteopontin is associated with multiple sclerosis.", "Osteopontin", "multiple sclerosis", "associated", False),
    ("Denosumab did not alter cognitive function.", "Denosumab", "cognitive function", "no_effect", False),
])
@pytest.mark.parametrize("use_classifier", [True, False])
def test_causal_versus_associative(text: str, factor: str, effect: str, direction: str, causal: bool,
                                   use_classifier: bool) -> None:
    assert attrs(text, factor, effect, direction, use_classifier=use_classifier)["causal"] is causal


# ------------------------------------------------------------------------------------------------
# Context
# ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("text,factor,effect,context", [
    ("Low serum osteocalcin was associated with poorer memory.", "osteocalcin", "memory", ["serum"]),
    ("CSF osteopontin was higher in patients with Alzheimer's disease.", "Alzheimer's disease", "osteopontin", ["CSF"]),
    ("Chronic stress reduced BDNF in the hippocampus of mice.", "Chronic stress", "BDNF", ["hippocampus"]),
    ("Ageing expanded myeloid cells in the bone marrow.", "Ageing", "myeloid cells", ["bone marrow"]),
    ("Plasma sclerostin correlated with lumbar spine BMD.", "sclerostin", "BMD", ["plasma", "lumbar spine"]),
    ("Osteocalcin improves memory.", "Osteocalcin", "memory", []),
])
def test_context(text: str, factor: str, effect: str, context: list[str]) -> None:
    assert attrs(text, factor, effect, "increases")["context"] == context


def test_blood_brain_barrier_is_not_the_brain() -> None:
    text = "Osteocalcin crosses the blood–brain barrier and binds neurons in the brainstem and hippocampus."
    assert attrs(text, "Osteocalcin", "neurons", "associated")["context"] == ["brainstem", "hippocampus"]


# ------------------------------------------------------------------------------------------------
# The extractor's triple and the dev set
# ------------------------------------------------------------------------------------------------
def test_extractor_triple_carries_the_attributes() -> None:
    from axis_nlp.extract import Candidate, Extractor
    from axis_nlp.pipeline import Sentence
    from axis_nlp.schema import Document, Entity

    prefix = "Methods were standard. "
    sentence_text = "Alendronate did not significantly alter serum osteocalcin in a randomised trial of older women."
    doc = Document(id="d1", text=prefix + sentence_text)
    s0 = len(prefix)

    def entity(words: str, label: str) -> Entity:
        a, b = span(sentence_text, words)
        return Entity(words, s0 + a, s0 + b, label)

    factor, effect = entity("Alendronate", "CHEMICAL"), entity("osteocalcin", "GENE_OR_PROTEIN")
    sentence = Sentence(s0, s0 + len(sentence_text), sentence_text, [factor, effect])
    extractor = Extractor.__new__(Extractor)  # no model needed for the attributes
    extractor.model = SimpleNamespace(name="stub")
    extractor.stats = {"truncated": 0}
    record = extractor._triple(Candidate(0, doc, sentence, factor, effect), "no_effect", 0.9, False).to_dict()
    assert record["negated"] is True and record["hedged"] is False
    assert record["trigger"] == "did not significantly alter"
    span_ = record["trigger_span"]
    assert doc.text[span_["start"]:span_["end"]] == record["trigger"]
    assert record["certainty"] == "asserted"
    assert record["evidence"]["type"] == "human" and record["evidence"]["model"] == "randomised trial"
    assert record["causal"] is False
    assert record["context"] == ["serum"]
    assert record["negation"]["non_significant"] is True
    assert doc.text[record["negation"]["start"]:record["negation"]["end"]] == record["negation"]["text"]


def _dev_accuracy() -> dict[str, float]:
    hits = {"hedged": 0, "negated": 0, "negated_text_only": 0}
    n = 0
    with (REPO / "corpora" / "axis" / "axis_dev.jsonl").open(encoding="utf-8") as handle:
        for line in handle:
            record = json.loads(line)
            spans = [(e["start"], e["end"]) for e in record["entities"]]
            for rel in record["relations"]:
                factor, effect = spans[rel["factor"]], spans[rel["effect"]]
                full = relation_attributes(record["text"], factor, effect, rel["direction"], entities=spans)
                blind = relation_attributes(record["text"], factor, effect, None, entities=spans)
                hits["hedged"] += full["hedged"] == rel["hedged"]
                hits["negated"] += full["negated"] == rel["negated"]
                hits["negated_text_only"] += blind["negated"] == rel["negated"]
                n += 1
    assert n > 200
    return {k: v / n for k, v in hits.items()}


def test_dev_accuracy_of_hedged_and_negated_is_at_least_090() -> None:
    accuracy = _dev_accuracy()
    assert accuracy["hedged"] >= 0.90, accuracy
    assert accuracy["negated"] >= 0.90, accuracy
    assert accuracy["negated_text_only"] >= 0.90, accuracy
