import { describe, expect, it } from 'vitest';
import { wantedPages } from './VirtualPagedTable';

describe('wantedPages', () => {
  it('asks for the pages on screen first, then two ahead in the direction of travel, then one behind', () => {
    expect(wantedPages({ firstPage: 4, lastPage: 5, direction: 1 }, true)).toEqual([4, 5, 6, 7, 3]);
    expect(wantedPages({ firstPage: 4, lastPage: 4, direction: -1 }, true)).toEqual([4, 3, 2, 5]);
  });
  it('asks only for the pages on screen while the thumb jumps across the list', () => {
    expect(wantedPages({ firstPage: 900, lastPage: 901, direction: 1 }, false)).toEqual([900, 901]);
  });
});
