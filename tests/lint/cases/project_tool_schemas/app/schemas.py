"""The structured answers of the screening agent, as pydantic models: their JSON schemas are the
tools' ``input_schema``."""
from typing import List, Literal, Optional

from pydantic import BaseModel, ConfigDict, Field


class Population(BaseModel):
    """Who the study is about."""
    description: Optional[str] = Field(None, description="Target population described in the study, in the words of the abstract")
    size: Optional[int] = Field(None, ge=0, description="Number of participants enrolled, when the abstract states it")
    setting: Optional[str] = Field(None, description="Clinical or community setting where participants were recruited")


class Intervention(BaseModel):
    """What the study does to its participants, and against what."""
    name: Optional[str] = Field(None, description="Intervention or exposure being studied, as named in the abstract")
    comparison: Optional[str] = Field(None, description="Control or comparison group, when there is one")
    duration: Optional[str] = Field(None, description="How long the intervention lasted, or the follow-up period")
    outcomes: List[str] = Field(default_factory=list, description="Outcomes measured in the study, primary first")


class CriteriaCheck(BaseModel):
    """The abstract against the review's inclusion and exclusion criteria."""
    meets_inclusion_criteria: bool = Field(description="Whether the study meets every inclusion criterion of the review")
    inclusion_reasoning: str = Field(description="Detailed reasoning for the inclusion decision, criterion by criterion")
    violates_exclusion_criteria: bool = Field(description="Whether the study violates any exclusion criterion of the review")
    exclusion_reasoning: str = Field(description="Detailed reasoning for the exclusion decision, criterion by criterion")
    matched: List[str] = Field(default_factory=list, description="The inclusion criteria the study matched, quoted")
    violated: List[str] = Field(default_factory=list, description="The exclusion criteria the study violated, quoted")


class Decision(BaseModel):
    """The final screening decision."""
    final_decision: Literal["INCLUDE", "EXCLUDE", "UNCERTAIN"] = Field(description="Final inclusion decision for the article")
    confidence: float = Field(ge=0.0, le=1.0, description="Confidence in the decision, from 0 (none) to 1 (certain)")
    primary_reason: str = Field(description="The single most important reason for the decision, in one sentence")
    needs_human_review: bool = Field(description="Whether a human reviewer must confirm this decision before it is final")
    review_reason: Optional[str] = Field(None, description="Why a human reviewer is needed, when one is")


class Screening(BaseModel):
    """Complete structured output of one abstract's screening."""
    article_title: str = Field(description="Title of the article being screened, as given")
    population: Population = Field(description="Population extracted from the abstract")
    intervention: Intervention = Field(description="Intervention, comparison and outcomes extracted from the abstract")
    criteria: CriteriaCheck = Field(description="Evaluation against the inclusion and exclusion criteria")
    decision: Decision = Field(description="Final screening decision with its reasoning")
    study_types: List[str] = Field(default_factory=list, description="Type of study (RCT, cohort, case-control, ...)")
    completeness: float = Field(ge=0.0, le=1.0, description="How complete the extraction was, from 0 to 1")


class Tagged(BaseModel):
    """A schema changed by its config: not read, so its size is unknown."""
    model_config = ConfigDict(json_schema_extra={"examples": [{"tag": "x"}]})
    tag: str
