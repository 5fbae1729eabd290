import { PuppetMock, mock } from 'wechaty-puppet-mock';

export interface MockRoomSpec {
  topic: string;
  owner: string;
  /** Every member but the bot. */
  members: string[];
}

/**
 * The simulator's WeChat: a mock puppet with the bot's account, contacts and rooms, through which
 * simulated people speak. Room ids contain "@" because Wechaty tells rooms from contacts by it.
 */
export class MockWorld {
  readonly mocker = new mock.Mocker();
  readonly puppet = new PuppetMock({ mocker: this.mocker });
  private readonly contacts = new Map<string, mock.ContactMock>();
  private readonly rooms = new Map<string, mock.RoomMock>();
  private botUser?: mock.ContactMock;
  private seq = 0;

  /** Logs the bot in; call after Wechaty started. */
  login(botName: string): void {
    this.botUser = this.mocker.createContact({ id: 'bot-self', name: botName });
    this.mocker.login(this.botUser);
    // wechaty-puppet-mock never says it is ready on its own, and Wechaty waits for that.
    this.puppet.emit('ready', { data: 'mock ready' });
  }

  contact(name: string): mock.ContactMock {
    let c = this.contacts.get(name);
    if (!c) {
      c = this.mocker.createContact({ id: `wxid-${++this.seq}`, name });
      this.contacts.set(name, c);
    }
    return c;
  }

  addRoom(spec: MockRoomSpec): mock.RoomMock {
    if (!this.botUser) throw new Error('log in first');
    const owner = this.contact(spec.owner);
    const members = [...new Set([spec.owner, ...spec.members])].map((n) => this.contact(n));
    const room = this.mocker.createRoom({ id: `${++this.seq}@chatroom`, topic: spec.topic, ownerId: owner.id, memberIdList: [this.botUser.id, ...members.map((m) => m.id)] });
    this.rooms.set(spec.topic, room);
    return room;
  }

  roomTopics(): string[] {
    return [...this.rooms.keys()];
  }

  members(topic: string): string[] {
    const room = this.room(topic);
    return room.payload.memberIdList.filter((id) => id !== this.botUser?.id).map((id) => this.mocker.contactPayload(id).name);
  }

  owner(topic: string): string {
    return this.mocker.contactPayload(this.room(topic).payload.ownerId!).name;
  }

  /** Adds a person to a room (e.g. a worker who joins after the push). */
  join(topic: string, name: string): void {
    const room = this.room(topic);
    const c = this.contact(name);
    if (!room.payload.memberIdList.includes(c.id)) room.payload.memberIdList.push(c.id);
    this.mocker.roomPayload(room.id, room.payload);
  }

  /** A person speaks in a room, or to the bot privately when `topic` is undefined. */
  say(name: string, text: string, topic?: string): void {
    const from = this.contact(name);
    if (topic === undefined) {
      from.say(text).to(this.botUser);
      return;
    }
    const mentions = this.botUser && text.includes(`@${this.botUser.payload.name}`) ? [this.botUser] : [];
    from.say(text, mentions).to(this.room(topic));
  }

  private room(topic: string): mock.RoomMock {
    const room = this.rooms.get(topic);
    if (!room) throw new Error(`no room "${topic}"`);
    return room;
  }
}
