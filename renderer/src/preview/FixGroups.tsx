/**
 * Fixes grouped by rule, file and column: the distinct before → after changes with their counts,
 * the most frequent first. A group says how many changes it shows of how many, and leads to every
 * fix of its kind in the full list below.
 */
import { useState } from 'react';
import type { FixGroup } from '../../../shared/domain';
import { ArrowRightIcon } from '../components/Icons';
import { Value } from '../components/Value';
import { FILE_LABEL, RULE_DESCRIPTION, RULE_LABEL, formatCount, plural } from '../format';

const SHOWN = 5;

export function FixGroups({ groups, onListAll }: { groups: FixGroup[]; onListAll: (group: FixGroup) => void }) {
  if (groups.length === 0) return <p className="muted">No value needed fixing.</p>;
  return (
    <>
      <h3 className="sub-title">By rule</h3>
      <div className="fix-groups" data-testid="fix-groups">
        {groups.map((group) => (
          <FixGroupCard key={`${group.file}-${group.rule}-${group.column}`} group={group} onListAll={onListAll} />
        ))}
      </div>
    </>
  );
}

function FixGroupCard({ group, onListAll }: { group: FixGroup; onListAll: (group: FixGroup) => void }) {
  const [all, setAll] = useState(false);
  const titleId = `fixgroup-${group.file}-${group.rule}-${group.column}`.replace(/[^\w-]/g, '_');
  const pairs = all ? group.pairs : group.pairs.slice(0, SHOWN);
  const hiddenDistinct = group.distinctPairs - group.pairs.length;
  return (
    <section className="fix-group" aria-labelledby={titleId} data-testid={`fix-group-${group.rule}`} data-rule={group.rule} data-file={group.file}>
      <div className="fix-group-head">
        <h4 id={titleId} className="fix-group-title">
          {RULE_LABEL[group.rule]}
          <span className="fix-group-where">
            {FILE_LABEL[group.file]} · <span className="mono">{group.column}</span>
          </span>
        </h4>
        <span className="fix-group-count num" data-testid={`fix-group-count-${group.file}-${group.rule}-${group.column}`} data-value={group.count}>
          {plural(group.count, 'fix', 'fixes')}
        </span>
      </div>
      <p className="hint">{RULE_DESCRIPTION[group.rule]}</p>
      <table className="data-table compact pairs">
        <colgroup>
          <col className="col-value" />
          <col className="col-value" />
          <col className="col-count" />
          <col className="col-count" />
        </colgroup>
        <caption className="visually-hidden">
          {RULE_LABEL[group.rule]} in {FILE_LABEL[group.file]}, column {group.column}: before and after
        </caption>
        <thead>
          <tr>
            <th scope="col">Before</th>
            <th scope="col">After</th>
            <th scope="col" className="num">
              Count
            </th>
            <th scope="col" className="num">
              <abbr title="Excel row where it first occurs">Row</abbr>
            </th>
          </tr>
        </thead>
        <tbody>
          {pairs.map((pair, i) => (
            <tr key={i}>
              <td title={pair.before}>
                <Value text={pair.before} />
              </td>
              <td>
                <span className="after-cell">
                  <ArrowRightIcon className="tone-muted" />
                  <Value text={pair.after} />
                </span>
              </td>
              <td className="num">{formatCount(pair.count)}</td>
              <td className="num">{formatCount(pair.firstRow)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <div className="fix-group-more">
        <span className="hint" data-testid="fix-group-shown">
          {pairs.length < group.distinctPairs
            ? `${formatCount(pairs.length)} of ${plural(group.distinctPairs, 'different change')}, most frequent first (${plural(group.count, 'fix', 'fixes')} in all).`
            : `${plural(group.distinctPairs, 'different change')} (${plural(group.count, 'fix', 'fixes')} in all).`}
        </span>
        {group.pairs.length > SHOWN ? (
          <button type="button" className="btn btn-small btn-quiet" aria-expanded={all} onClick={() => setAll((v) => !v)}>
            {all ? 'Show fewer' : hiddenDistinct > 0 ? `Show the ${formatCount(group.pairs.length)} most frequent` : `Show all ${formatCount(group.pairs.length)}`}
          </button>
        ) : null}
        {group.count > pairs.length ? (
          <button type="button" className="btn btn-small btn-quiet" onClick={() => onListAll(group)}>
            List all {plural(group.count, 'fix', 'fixes')}
          </button>
        ) : null}
      </div>
    </section>
  );
}
