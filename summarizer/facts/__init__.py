"""Key facts: the figures an article states, attributed to whom they belong, with the sentence that says so.

For each number followed by a counted noun ("130 German soldiers", "hundreds of personnel", "60 tanks") or
written as money ("€1.5bn"), we decide:

- what it counts: troops, casualties ("were killed", "death toll rose to"), displaced people ("fled",
  "has displaced"), money, or other counted equipment;
- who it belongs to: a demonym inside the phrase, "from Sweden" after it, the sentence's subject country,
  "the country"/"its" referring back, or every country of "A and B each …"; never the X of "X-led";
- where: "in Iraq", "at the Taji military base", "to northern Syria", the host of "Iraq hosts …", or
  "in the country" referring back to the last place named;
- whether it is a share of a figure just given ("including 27 stationed at …", "including 2,500 Americans").

Distances, years, percentages, durations, ages and ordinals are never counted things.
"""

from summarizer.facts.extract import extract_facts
from summarizer.facts.record import CATEGORIES, Fact

__all__ = ["CATEGORIES", "Fact", "extract_facts"]
