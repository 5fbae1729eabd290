import { notePresent } from '../accounts/index.ts';
import { ChatContext, type Incoming } from './context.ts';
import type { CardAnswer } from '../channel.ts';
import { answerCard, chatRouter } from './chat.ts';
import { Daily } from './daily.ts';
import type { BotDeps } from './deps.ts';
import type { Router } from './router.ts';
import { minuteMs } from '../time.ts';

/** The bot's logic, independent of any chat platform: messages in, scheduled pushes out. */
export class Banqian {
  readonly daily: Daily;
  private readonly router: Router<ChatContext>;

  constructor(readonly deps: BotDeps) {
    this.daily = new Daily(deps);
    this.router = chatRouter(this.daily);
  }

  /** Handles one message. Never throws: one bad message must not take the bot down. */
  async handle(msg: Incoming): Promise<void> {
    try {
      await this.router.handle(new ChatContext(this.deps, msg));
    } catch (err) {
      this.deps.log.error({ err: String(err), room: msg.room?.topic, from: msg.sender.name }, 'message handling failed');
    }
  }

  /** Records a tap on a quiz card. Never throws, like handle(). */
  async handleCard(tap: CardAnswer): Promise<void> {
    try {
      await answerCard(this.deps, tap);
    } catch (err) {
      this.deps.log.error({ err: String(err), taskId: tap.taskId }, 'card answer handling failed');
    }
  }

  async tick(): Promise<void> {
    try {
      await this.daily.tick();
    } catch (err) {
      this.deps.log.error({ err: String(err) }, 'tick failed');
    }
  }

  /** When the next tick may have work (Daily.nextWork); the next minute if that can't be told. */
  async nextWork(): Promise<number> {
    try {
      return await this.daily.nextWork();
    } catch (err) {
      this.deps.log.error({ err: String(err) }, 'next work unknown');
      return this.deps.clock.now() + minuteMs;
    }
  }

  /**
   * Re-binds an enrolled group to the room id the puppet uses now (ids change per login on some
   * puppets), so pushes reach the room even before anyone there speaks.
   */
  async syncRoom(room: { id: string; topic: string; ownerName: string }): Promise<void> {
    const gid = await this.deps.store.resolveGroup(room.id, room.topic, room.ownerName);
    await notePresent(this.deps, gid);
    const g = await this.deps.store.getGroup(gid);
    if (g && (g.roomId !== room.id || g.topic !== room.topic)) await this.deps.store.saveGroup({ ...g, roomId: room.id, topic: room.topic });
  }
}
