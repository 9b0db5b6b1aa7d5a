"""English function words, left out wherever words are weighed (TextRank) or matched (topic keywords)."""

__all__ = ["STOPWORDS"]

STOPWORDS = frozenset({
    "a", "an", "and", "are", "as", "at", "be", "been", "but", "by", "for", "from", "had", "has", "have", "he",
    "her", "his", "i", "in", "is", "it", "its", "no", "not", "of", "on", "or", "our", "said", "says", "she",
    "that", "the", "their", "these", "they", "this", "those", "to", "was", "we", "were", "will", "with", "would",
    "you", "your",
})  # fmt: skip
