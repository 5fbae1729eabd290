import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/** An error whose (Chinese) message is meant for the visitor. */
export class WebError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
  ) {
    super(message);
  }
}

const fieldNames: Record<string, string> = {
  from: '开始日期', to: '结束日期', org: '组织', limit: '每页条数', offset: '起始行', name: '姓名', password: '密码', // dashboard
  text: '消息', room: '群名', minutes: '分钟数', // simulator
  member: '答题人', answers: '答案', // answer page
};
const typeNames: Record<string, string> = { string: '文字', integer: '整数', object: '一个 JSON 对象' };

/** Turns the first schema violation into one Chinese sentence. */
function validationMessage(err: FastifyError): string {
  const v = err.validation?.[0];
  if (!v) return '请求格式不正确';
  const p = v.params as Record<string, unknown>;
  const key = v.keyword === 'required' ? String(p.missingProperty) : v.instancePath.replace(/^\//, '').replace(/\/\d+$/, '');
  const field = (err.validationContext === 'body' && key === 'from' ? '发送人' : fieldNames[key]) ?? (key || '请求内容');
  switch (v.keyword) {
    case 'required':
      return `缺少${field}`;
    case 'minLength':
      return `${field}不能为空`;
    case 'maxLength':
      return `${field}不能超过 ${p.limit} 个字`;
    case 'minimum':
      return `${field}不能小于 ${p.limit}`;
    case 'maximum':
      return `${field}不能大于 ${p.limit}`;
    case 'type':
      // A repeated query parameter (?org=a&org=b) arrives as an array.
      return err.validationContext === 'querystring' ? `${field}只能写一个` : `${field}应为${typeNames[String(p.type)] ?? p.type}`;
    default:
      return `${field}格式不正确`;
  }
}

const wantsJson = (req: FastifyRequest): boolean => req.url.startsWith('/api/');

const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** A small stand-alone Chinese page for errors and unknown URLs. */
export function errorPage(title: string, message: string): string {
  return `<!doctype html>
<html lang="zh-CN">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><link rel="icon" href="/favicon.svg"><title>${escapeHtml(title)} · 班前十分钟</title>
<style>body{margin:0;font:15px/1.7 "PingFang SC","Microsoft YaHei","Noto Sans CJK SC",sans-serif;background:#f2f3f5;color:#1f2329}main{max-width:560px;margin:12vh auto;padding:28px 24px;background:#fff;border:1px solid #e1e4e8;border-top:4px solid #c62828;border-radius:4px}h1{font-size:20px;margin:0 0 8px}a{color:#1f5fa8}</style>
</head>
<body><main><h1>${escapeHtml(title)}</h1><p>${escapeHtml(message)}</p><p><a href="/">回到首页</a></p></main></body>
</html>
`;
}

/** JSON `{ error }` for the API, a Chinese page for everything else. */
export function sendError(req: FastifyRequest, reply: FastifyReply, status: number, message: string, title = message): FastifyReply {
  reply.code(status);
  return wantsJson(req) ? reply.send({ error: message }) : reply.type('text/html; charset=utf-8').send(errorPage(title, message));
}

/** One error and not-found handling for the whole app: Chinese 400s, and never an internal message. */
export function handleErrors(app: FastifyInstance): void {
  app.setNotFoundHandler((req, reply) => sendError(req, reply, 404, wantsJson(req) ? '没有这个接口' : '没有这个页面，请检查网址。', '页面不存在'));
  app.setErrorHandler((err: FastifyError, req, reply) => {
    if (err instanceof WebError) return sendError(req, reply, err.statusCode, err.message);
    if (err.validation) return sendError(req, reply, 400, validationMessage(err));
    const status = err.statusCode ?? 500;
    if (status < 500) return sendError(req, reply, status, '请求格式不正确'); // unparsable JSON, wrong content type and the like
    req.log.error({ err }, 'request failed');
    return sendError(req, reply, 500, '服务器出错了，请查看服务器日志');
  });
}
