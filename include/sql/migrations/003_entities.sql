-- Canonical entities: every mention and quote speaker points at one row per (label, name).
CREATE TABLE entities (
    entity_id VARCHAR PRIMARY KEY,
    label VARCHAR NOT NULL,
    canonical VARCHAR NOT NULL,
    extraction_version VARCHAR NOT NULL
);

ALTER TABLE entity_mentions ADD COLUMN entity_id VARCHAR;
ALTER TABLE entity_mentions ADD COLUMN title VARCHAR;
ALTER TABLE quotes ADD COLUMN speaker_entity_id VARCHAR;

CREATE VIEW entity_aliases AS
SELECT e.entity_id, e.label, e.canonical, m.text AS alias,
       count(*) AS mentions, count(DISTINCT m.article_id) AS articles
FROM entities e JOIN entity_mentions m USING (entity_id)
GROUP BY ALL;

COMMENT ON TABLE entities IS 'One row per canonical entity (person, organisation, place, material, policy term); mentions and quote speakers reference it by entity_id.';
COMMENT ON COLUMN entities.entity_id IS 'Stable id: first 16 hex chars of sha256(label || canonical).';
COMMENT ON COLUMN entities.label IS 'PERSON, ORG, GPE, LOC, NORP, MATERIAL or POLICY.';
COMMENT ON COLUMN entities.canonical IS 'Canonical name: aliases (METI, S. Korea, a surname after the full name) resolved.';
COMMENT ON COLUMN entities.extraction_version IS 'Version of the code that first stored the entity.';
COMMENT ON COLUMN entity_mentions.entity_id IS 'The canonical entity mentioned (entities.entity_id).';
COMMENT ON COLUMN entity_mentions.title IS 'Title or affiliation the article gives the person at this mention (e.g. Trade Minister); NULL if none.';
COMMENT ON COLUMN quotes.speaker_entity_id IS 'Canonical entity of the speaker (entities.entity_id) when the speaker is a named entity of the article.';
COMMENT ON VIEW entity_aliases IS 'Every surface form seen for each canonical entity, with counts.';
