// Which grids the scope picker lists. A street office's few dozen grids fit one list; a city's 1,500 did not (nobody
// scrolls 1,500 names, and the list's text was laid out again with every font file that arrived: ~0.5 s of the
// reports page's first paint), so past GRID_LIST_MAX the list holds the chosen community's grids.
export const GRID_LIST_MAX = 60;

export interface PickerGrid { id: string; communityId: string }

/** The grids to list, given the community in scope (or the community of the grid in scope). */
export function gridChoices<G extends PickerGrid>(grids: G[], scope: { kind: string; communityId?: string; gridId?: string }): G[] {
  if (grids.length <= GRID_LIST_MAX) return grids;
  const community = scope.kind === 'community' ? scope.communityId : scope.kind === 'grid' ? grids.find((g) => g.id === scope.gridId)?.communityId : undefined;
  return community ? grids.filter((g) => g.communityId === community) : [];
}
