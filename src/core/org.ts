/** The union's org tree. A node's path joins the names from the root with "/". */
export interface OrgNode {
  name: string;
  path: string;
  parent?: OrgNode;
  children: OrgNode[];
}

/** Groups not bound to any node count under this child of the root. */
export const unboundName = '未归属';

export class OrgTree {
  readonly root: OrgNode;
  readonly unbound: OrgNode;
  private readonly byPath = new Map<string, OrgNode>();

  constructor(raw: { name: string; children?: unknown[] }) {
    this.root = this.build(raw, undefined);
    this.unbound = this.build({ name: unboundName }, this.root);
    this.root.children.push(this.unbound);
  }

  private build(raw: { name: string; children?: unknown[] }, parent: OrgNode | undefined): OrgNode {
    const name = raw.name.trim();
    const node: OrgNode = { name, path: parent ? `${parent.path}/${name}` : name, parent, children: [] };
    this.byPath.set(node.path, node);
    node.children = (raw.children ?? []).map((c) => this.build(c as { name: string }, node));
    return node;
  }

  get(path: string): OrgNode | undefined {
    return this.byPath.get(path.trim());
  }

  /** A full path, or a name (or path tail) that matches exactly one node. */
  find(pathOrName: string): { node?: OrgNode; candidates: OrgNode[] } {
    const q = pathOrName.trim().replace(/\s*\/\s*/g, '/');
    const exact = this.byPath.get(q);
    if (exact) return { node: exact, candidates: [exact] };
    const candidates = [...this.byPath.values()].filter((n) => n.path.endsWith(`/${q}`));
    return { node: candidates.length === 1 ? candidates[0] : undefined, candidates };
  }

  /**
   * `find` among the nodes within `scope` (an officer's subtree: a name ambiguous in the whole tree may be unique
   * there), or one sentence saying what would work: the chat command, the CLI and the dashboard all show it.
   */
  resolve(pathOrName: string, scope: OrgNode = this.root): { node: OrgNode } | { error: string } {
    const candidates = this.find(pathOrName).candidates.filter((c) => OrgTree.within(c.path, scope.path));
    if (candidates.length === 1) return { node: candidates[0] };
    if (candidates.length > 1) return { error: `“${pathOrName}”有 ${candidates.length} 个，请写完整路径：${candidates.map((c) => c.path).join('、')}` };
    return { error: `组织架构里没有“${pathOrName}”。请写名称或完整路径，顶层是“${this.root.path}”，路径用“/”连接。` };
  }

  /** The node and its ancestors, root first. */
  chain(path: string): OrgNode[] {
    const out: OrgNode[] = [];
    for (let n = this.get(path); n; n = n.parent) out.unshift(n);
    return out;
  }

  /** The org paths a group's figures count under, root first; an unknown binding counts as 未归属. */
  teamPaths(team: string): string[] {
    const chain = this.chain(team);
    return (chain.length ? chain : [this.root, this.unbound]).map((n) => n.path);
  }

  /** Whether `path` lies within the subtree of `scope`. */
  static within(path: string, scope: string): boolean {
    return path === scope || path.startsWith(`${scope}/`);
  }
}
