/** grammY-style middleware: each handler gets the context and `next` to pass the message on. */
export type Middleware<C> = (ctx: C, next: () => Promise<void>) => Promise<void>;

export class Router<C> {
  private readonly stack: Middleware<C>[] = [];

  use(...middleware: Middleware<C>[]): this {
    this.stack.push(...middleware);
    return this;
  }

  async handle(ctx: C): Promise<void> {
    const run = async (i: number): Promise<void> => {
      const mw = this.stack[i];
      if (mw) await mw(ctx, () => run(i + 1));
    };
    await run(0);
  }
}
