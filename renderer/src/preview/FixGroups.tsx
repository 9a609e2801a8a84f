/** Fixes grouped by rule, file and column: the distinct before → after changes with their counts. */
import { useState } from 'react';
import type { FixGroup } from '../../../shared/domain';
import { ArrowRightIcon } from '../components/Icons';
import { Value } from '../components/Value';
import { FILE_LABEL, RULE_DESCRIPTION, RULE_LABEL, formatCount, plural } from '../format';

const SHOWN = 5;

export function FixGroups({ groups }: { groups: FixGroup[] }) {
  if (groups.length === 0) return <p className="muted">No value needed fixing.</p>;
  return (
    <>
      <h3 className="sub-title">By rule</h3>
      <div className="fix-groups" data-testid="fix-groups">
        {groups.map((group) => (
          <FixGroupCard key={`${group.file}-${group.rule}-${group.column}`} group={group} />
        ))}
      </div>
    </>
  );
}

function FixGroupCard({ group }: { group: FixGroup }) {
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
      {group.pairs.length > SHOWN || hiddenDistinct > 0 ? (
        <div className="fix-group-more">
          {group.pairs.length > SHOWN ? (
            <button type="button" className="btn btn-small btn-quiet" aria-expanded={all} onClick={() => setAll((v) => !v)}>
              {all ? 'Show fewer' : `Show all ${formatCount(group.pairs.length)} changes`}
            </button>
          ) : null}
          {hiddenDistinct > 0 ? <span className="hint">{plural(group.distinctPairs, 'distinct change')} in all; the rest are in the full list below.</span> : null}
        </div>
      ) : null}
    </section>
  );
}
