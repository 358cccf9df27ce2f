import { type AnyColumn, type SQL, sql } from 'drizzle-orm';

/**
 * The tag of the tag rollups (stats_by_tag_*) that holds the calls without tags. No trace can
 * carry it (tags are 1–64 characters, docs/API_SPEC.md §2), so /cost/by-tag reads its
 * "untagged" figure from it (§8).
 */
export const UNTAGGED = '';

/**
 * The tags a call is rolled up under, as a set-returning function over its `tags` (jsonb):
 * each of its tags (distinct, as ingest stores them), or UNTAGGED for a call without tags.
 * Used as `cross join lateral ${rolledTags(t.tags)} as c(tag)` by the fold, re-pricing,
 * retention, the readers of queued rows and `npm run verify` alike.
 */
export function rolledTags(tags: AnyColumn | SQL): SQL {
  return sql`jsonb_array_elements_text(case when jsonb_array_length(${tags}) = 0 then ${JSON.stringify([UNTAGGED])}::jsonb else ${tags} end)`;
}

/**
 * The ordered pairs of two different tags of a call, as the rows (tag, other_tag) of a subquery
 * for a lateral join over its `tags` (jsonb, distinct as ingest stores them): k tags give
 * k × (k - 1) rows, none for fewer than two. The tag pair rollups' key (tag_pair_stats_*), used
 * by the fold, re-pricing and `npm run verify` alike.
 */
export function tagPairs(tags: AnyColumn | SQL): SQL {
  return sql`select a.tag, b.tag as other_tag from jsonb_array_elements_text(${tags}) as a(tag)
    cross join jsonb_array_elements_text(${tags}) as b(tag) where a.tag <> b.tag`;
}
