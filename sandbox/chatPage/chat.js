// The sandbox chat page: the person here is the WhatsApp user. Plain browser JavaScript, no
// build step. Talks to /chat/api (JSON) and listens on /chat/api/events (Server-Sent Events).
(function () {
	'use strict';

	var PROVIDER_NAMES = { meta: 'Meta', twilio: 'Twilio' };
	var REACTIONS = ['\u{1F44D}', '\u2764\uFE0F', '\u{1F602}', '\u{1F62E}', '\u{1F622}', '\u{1F64F}'];
	var TICKS = { pending: '\u{1F552}', sent: '\u2713', delivered: '\u2713\u2713', read: '\u2713\u2713', failed: '\u26A0' };
	var TICK_LABELS = { pending: 'Pending', sent: 'Sent', delivered: 'Delivered', read: 'Read', failed: 'Not delivered' };

	var client = Math.random().toString(36).slice(2) + Date.now().toString(36);
	var state = {
		provider: 'meta',
		user: { phone: '', name: '', userId: '', username: '', phoneHidden: false },
		business: { meta: { name: 'Omni Sandbox', number: '' }, twilio: { name: 'Omni Sandbox', number: '' } },
		listening: { meta: true, twilio: true },
		typing: { meta: false, twilio: false }, // the business sent a typing indicator and has not answered yet
		places: [],
		messages: [], // both providers, oldest first
		replyTo: null, // message quoted by the next text
		menuFor: null, // message the bubble menu is open for
		seen: { meta: 0, twilio: 0 },
	};
	var nodes = new Map(); // message id -> row element

	function $(testid) {
		return document.querySelector('[data-testid="' + testid + '"]');
	}
	function el(tag, attrs, children) {
		var node = document.createElement(tag);
		if (attrs) {
			Object.keys(attrs).forEach(function (key) {
				var value = attrs[key];
				if (value === undefined || value === null || value === false) return;
				if (key === 'text') node.textContent = value;
				else if (key === 'className') node.className = value;
				else if (key.slice(0, 2) === 'on') node.addEventListener(key.slice(2), value);
				else node.setAttribute(key, value === true ? '' : String(value));
			});
		}
		(children || []).forEach(function (child) {
			if (child === undefined || child === null || child === false) return;
			node.appendChild(typeof child === 'string' ? document.createTextNode(child) : child);
		});
		return node;
	}

	// ---------------------------------------------------------------------------------------
	// Text with WhatsApp's marks: *bold* _italic_ ~strike~ ```mono``` `code`, and links.

	function escapeHtml(text) {
		return text.replace(/[&<>"']/g, function (c) {
			return { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c];
		});
	}
	function formatted(text) {
		var html = escapeHtml(text || '');
		html = html.replace(/```([\s\S]+?)```/g, '<code>$1</code>');
		html = html.replace(/(^|[\s(])`([^`\n]+)`(?=$|[\s).,!?:;])/g, '$1<code>$2</code>');
		html = html.replace(/(^|[\s(_~>])\*(\S(?:[^*\n]*?\S)?)\*(?=$|[\s).,!?:;_~<])/g, '$1<strong>$2</strong>');
		html = html.replace(/(^|[\s(*~>])_(\S(?:[^_\n]*?\S)?)_(?=$|[\s).,!?:;*~<])/g, '$1<em>$2</em>');
		html = html.replace(/(^|[\s(*_>])~(\S(?:[^~\n]*?\S)?)~(?=$|[\s).,!?:;*_<])/g, '$1<s>$2</s>');
		html = html.replace(/(^|[\s(>])(https?:\/\/[^\s<]+[^\s<.,!?;:)])/g, '$1<a href="$2" target="_blank" rel="noopener noreferrer">$2</a>');
		var span = el('div', { className: 'text' });
		span.innerHTML = html;
		return span;
	}

	function time(ms) {
		return new Date(ms).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
	}

	// ---------------------------------------------------------------------------------------
	// Rendering one message

	function mediaNode(media, caption) {
		if (!media) return null;
		var url = media.url;
		if (media.kind === 'image' || media.kind === 'sticker') {
			var img = el('img', { className: 'media-image', src: url, alt: caption || media.fileName || media.kind, loading: 'lazy' });
			return url ? el('a', { href: url, target: '_blank', rel: 'noopener noreferrer', onclick: stop }, [img]) : img;
		}
		if (media.kind === 'video') return el('video', { className: 'media-video', src: url, controls: true, preload: 'metadata' });
		if (media.kind === 'audio') return el('audio', { className: 'media-audio', src: url, controls: true, preload: 'none' });
		return el('a', { className: 'doc', href: url, target: '_blank', rel: 'noopener noreferrer', download: media.fileName || true, onclick: stop }, [
			el('span', { className: 'doc-icon', text: '\u{1F4C4}' }),
			el('span', {}, [
				el('div', { className: 'doc-name', text: media.fileName || 'Document' }),
				el('div', { className: 'doc-type', text: media.mimeType || (media.fileName || '').split('.').pop().toUpperCase() || 'File' }),
			]),
		]);
	}

	function locationNode(place) {
		if (!place) return null;
		return el('a', { className: 'location', href: place.mapUrl, target: '_blank', rel: 'noopener noreferrer', 'data-testid': 'location-card', onclick: stop }, [
			el('div', { className: 'map' }),
			place.name ? el('div', { className: 'place-name', text: place.name }) : null,
			place.address ? el('div', { className: 'place-address', text: place.address }) : null,
			el('div', { className: 'place-coords', text: place.latitude.toFixed(5) + ', ' + place.longitude.toFixed(5) }),
		]);
	}

	function contactsNode(contacts) {
		if (!contacts || contacts.length === 0) return null;
		return el(
			'div',
			{ 'data-testid': 'contact-card' },
			contacts.map(function (contact) {
				var details = contact.phones.concat(contact.emails);
				if (contact.org) details.push(contact.org);
				return el('div', { className: 'contact' }, [
					el('div', { className: 'contact-avatar', text: '\u{1F464}' }),
					el('div', {}, [
						el('div', { className: 'contact-name', text: contact.name }),
						el('div', { className: 'contact-detail', text: details.join(' \u00B7 ') }),
					]),
				]);
			}),
		);
	}

	function quoteNode(context) {
		if (!context) return null;
		var business = context.direction !== 'in';
		return el('div', { className: 'quote' + (business ? ' business' : ''), 'data-testid': 'quoted' }, [
			el('div', { className: 'quote-author', text: business ? state.business[state.provider].name : 'You' }),
			el('div', { className: 'quote-text', text: context.preview || 'Message' }),
		]);
	}

	function ticksNode(message) {
		var status = message.status;
		return el('span', { className: 'ticks', 'data-testid': 'ticks', 'data-status': status, title: TICK_LABELS[status] || status, text: TICKS[status] || '' });
	}

	function stop(event) {
		event.stopPropagation();
	}

	function actionsNode(message) {
		var buttons = message.buttons || [];
		if (buttons.length === 0 && !message.list) return null;
		var children = buttons.map(function (button) {
			if (button.kind === 'reply') {
				return el('button', {
					type: 'button',
					className: 'action',
					'data-testid': 'reply-button',
					'data-reply-id': button.replyId,
					text: '\u21A9 ' + button.title,
					onclick: function (event) {
						event.stopPropagation();
						send({ type: 'reply', messageId: message.id, replyId: button.replyId });
					},
				});
			}
			if (button.kind === 'copy_code') {
				return el('button', {
					type: 'button',
					className: 'action',
					'data-testid': 'copy-code',
					text: '\u{1F4CB} ' + button.title,
					onclick: function (event) {
						event.stopPropagation();
						if (button.code && navigator.clipboard) navigator.clipboard.writeText(button.code).catch(function () {});
						toast(button.code ? 'Code ' + button.code + ' copied' : 'No code to copy');
					},
				});
			}
			var icon = button.kind === 'phone' ? '\u{1F4DE} ' : '\u{1F517} ';
			return el('a', { className: 'action', 'data-testid': 'link-button', href: button.url || '#', target: '_blank', rel: 'noopener noreferrer', text: icon + button.title, onclick: stop });
		});
		if (message.list) {
			children.push(
				el('button', {
					type: 'button',
					className: 'action',
					'data-testid': 'list-open',
					text: '\u2630 ' + message.list.button,
					onclick: function (event) {
						event.stopPropagation();
						openList(message);
					},
				}),
			);
		}
		return el('div', { className: 'actions' }, children);
	}

	function reactionsNode(message) {
		var reactions = message.reactions || {};
		var shown = [reactions.business, reactions.user].filter(Boolean);
		if (shown.length === 0) return null;
		return el('div', { className: 'reactions', 'data-testid': 'reactions', text: shown.join(' ') });
	}

	function deliveryNode(message) {
		var delivery = message.delivery;
		if (message.direction !== 'in' || !delivery || delivery.delivered || !delivery.error) return null;
		var text = delivery.listening ? delivery.error : 'not delivered: no workflow is listening';
		return el('div', { className: 'delivery-error', 'data-testid': 'delivery-error', title: delivery.detail || delivery.error, text: text });
	}

	function headerNode(header) {
		if (!header) return null;
		if (header.text) return el('div', { className: 'header-text', text: header.text });
		if (header.media) return mediaNode(header.media);
		if (header.location) return locationNode(header.location);
		return null;
	}

	/** Whether a recipient is the user: by number, or (Meta, sent by `recipient`) by BSUID. */
	function isUser(to) {
		return to === state.user.phone || to === state.user.userId;
	}

	function bubbleNode(message) {
		var sticker = message.media && message.media.kind === 'sticker' && !message.text;
		var parts = [];
		if (message.direction === 'out' && message.to && !isUser(message.to)) parts.push(el('div', { className: 'to', text: 'to ' + message.to }));
		parts.push(quoteNode(message.context));
		parts.push(headerNode(message.header));
		parts.push(mediaNode(message.media, message.text));
		parts.push(locationNode(message.location));
		parts.push(contactsNode(message.contacts));
		if (message.text) parts.push(formatted(message.text));
		if (message.footer) parts.push(el('div', { className: 'footer', text: message.footer }));
		if (message.note) parts.push(el('div', { className: 'note', text: message.note }));
		parts.push(el('span', { className: 'meta' }, [el('span', { text: time(message.timestamp) }), ticksNode(message)]));
		parts.push(el('div', { className: 'clear' }));
		return el(
			'div',
			{
				className: 'bubble' + (sticker ? ' sticker' : ''),
				title: message.template ? 'Template: ' + message.template.name + (message.template.language ? ' (' + message.template.language + ')' : '') : undefined,
				onclick: function (event) {
					openBubbleMenu(message, event.currentTarget);
				},
			},
			parts,
		);
	}

	function rowNode(message) {
		return el(
			'div',
			{
				className: 'row ' + message.direction,
				'data-testid': 'message',
				'data-id': message.id,
				'data-direction': message.direction,
				'data-type': message.type,
				'data-status': message.status,
				'data-provider': message.provider,
			},
			[bubbleNode(message), reactionsNode(message), deliveryNode(message), message.direction === 'out' ? actionsNode(message) : null],
		);
	}

	/** What changes often (status, reactions, delivery) is patched in place; the rest rebuilds. */
	function shape(message) {
		var copy = Object.assign({}, message);
		delete copy.status;
		delete copy.statusWebhooks;
		delete copy.delivery;
		delete copy.reactions;
		return JSON.stringify(copy);
	}

	// ---------------------------------------------------------------------------------------
	// The conversation

	function visible(message) {
		return message.provider === state.provider && message.type !== 'reaction';
	}

	function nearBottom() {
		var list = $('messages');
		return list.scrollHeight - list.scrollTop - list.clientHeight < 120;
	}
	function scrollDown() {
		var list = $('messages');
		list.scrollTop = list.scrollHeight;
	}

	function renderAll() {
		var list = $('messages');
		nodes.forEach(function (node) {
			node.remove();
		});
		nodes.clear();
		state.messages.filter(visible).forEach(function (message) {
			var node = rowNode(message);
			node._shape = shape(message);
			nodes.set(message.id, node);
			list.appendChild(node);
		});
		scrollDown();
		state.seen[state.provider] = countOut(state.provider);
		renderBadges();
	}

	function upsert(message) {
		var index = state.messages.findIndex(function (m) {
			return m.id === message.id;
		});
		// An answer to a POST can arrive after newer events about the same message.
		if (index >= 0 && (state.messages[index].rev || 0) > (message.rev || 0)) return;
		if (index >= 0) state.messages[index] = message;
		else state.messages.push(message);
		if (!visible(message)) {
			renderBadges();
			return;
		}
		var existing = nodes.get(message.id);
		var stick = nearBottom();
		if (existing && existing._shape === shape(message)) {
			var ticks = existing.querySelector('[data-testid="ticks"]');
			if (ticks) ticks.replaceWith(ticksNode(message));
			existing.setAttribute('data-status', message.status);
			var oldReactions = existing.querySelector('[data-testid="reactions"]');
			var newReactions = reactionsNode(message);
			if (oldReactions) oldReactions.remove();
			if (newReactions) existing.insertBefore(newReactions, existing.children[1] || null);
			var oldDelivery = existing.querySelector('[data-testid="delivery-error"]');
			if (oldDelivery) oldDelivery.remove();
			var newDelivery = deliveryNode(message);
			if (newDelivery) existing.insertBefore(newDelivery, existing.querySelector('.actions'));
			return;
		}
		var node = rowNode(message);
		node._shape = shape(message);
		if (existing) existing.replaceWith(node);
		else $('messages').appendChild(node);
		nodes.set(message.id, node);
		if (stick || message.direction === 'in') scrollDown();
		state.seen[state.provider] = countOut(state.provider);
	}

	function countOut(provider) {
		return state.messages.filter(function (m) {
			return m.provider === provider && m.direction === 'out' && m.type !== 'reaction';
		}).length;
	}

	function renderBadges() {
		document.querySelectorAll('[data-testid="provider-switch"]').forEach(function (button) {
			var provider = button.getAttribute('data-provider');
			var unread = provider === state.provider ? 0 : countOut(provider) - state.seen[provider];
			var badge = button.querySelector('.badge');
			if (unread > 0) {
				if (!badge) button.appendChild((badge = el('span', { className: 'badge' })));
				badge.textContent = String(unread);
			} else if (badge) badge.remove();
		});
	}

	function renderHeader() {
		var business = state.business[state.provider];
		$('business-name').textContent = business.name;
		var typing = !!(state.typing && state.typing[state.provider]);
		// As WhatsApp does: "typing…" in place of the number while the business is typing.
		$('business-number').textContent = typing ? 'typing\u2026' : business.number + ' \u00B7 ' + PROVIDER_NAMES[state.provider];
		$('business-number').classList.toggle('typing', typing);
		$('chat').setAttribute('data-typing', typing ? 'true' : 'false');
		$('business-avatar').textContent = (business.name || 'O').charAt(0).toUpperCase();
		$('chat').setAttribute('data-provider', state.provider);
		document.querySelectorAll('[data-testid="provider-switch"]').forEach(function (button) {
			var active = button.getAttribute('data-provider') === state.provider;
			button.classList.toggle('active', active);
			button.setAttribute('aria-pressed', active ? 'true' : 'false');
		});
		renderBanner();
	}

	function renderBanner() {
		var banner = $('not-listening');
		var listening = state.listening[state.provider];
		banner.hidden = listening;
		banner.textContent = listening ? '' : 'No workflow is listening for ' + PROVIDER_NAMES[state.provider] + ' messages: activate a workflow with a WhatsApp Omni Trigger';
	}

	function renderUser() {
		var user = state.user;
		var line = $('user-identity');
		line.textContent = '';
		line.appendChild(document.createTextNode(user.name + ' \u00B7 ' + (user.phoneHidden ? '@' + user.username : user.phone)));
		line.appendChild(el('small', { text: 'Meta user ID (BSUID): ' + user.userId }));
		$('phone-hidden').checked = !!user.phoneHidden;
		$('user-menu-open').title = user.phoneHidden ? 'You write as @' + user.username + ' (number hidden)' : 'You write as ' + user.phone;
	}

	function applyUser(user) {
		state.user = user;
		renderUser();
		renderAll();
	}

	function applySnapshot(snapshot) {
		state.user = snapshot.user;
		renderUser();
		state.business = snapshot.business;
		state.listening = snapshot.listening;
		state.typing = snapshot.typing || { meta: false, twilio: false };
		state.places = snapshot.places;
		state.messages = snapshot.messages;
		renderPlaces();
		renderHeader();
		renderAll();
	}

	// ---------------------------------------------------------------------------------------
	// Talking to the sandbox

	function post(path, body) {
		return fetch('/chat/api/' + path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }).then(function (response) {
			return response.json().then(function (json) {
				if (!response.ok) throw new Error(json.error || 'HTTP ' + response.status);
				return json;
			});
		});
	}

	function send(action) {
		var provider = state.provider;
		action.provider = provider;
		return post('send', action).then(
			function (result) {
				upsert(result.message);
				var delivery = result.delivery;
				if (!delivery.listening && !delivery.note) {
					state.listening[provider] = false;
					renderBanner();
					toast(delivery.error, true);
				} else if (delivery.note) {
					toast(delivery.note);
				} else if (!delivery.delivered) {
					toast(delivery.error || 'Not delivered', true);
				} else if (!state.listening[provider]) {
					state.listening[provider] = true;
					renderBanner();
				}
				return result;
			},
			function (error) {
				toast(error.message, true);
			},
		);
	}

	function currentView() {
		return document.visibilityState === 'hidden' ? null : state.provider;
	}

	function postView() {
		post('view', { client: client, view: currentView() }).catch(function () {});
	}

	var events = null;
	function connect() {
		if (!window.EventSource) {
			poll();
			return;
		}
		events = new EventSource('/chat/api/events?client=' + encodeURIComponent(client) + '&view=' + (currentView() || 'none'));
		events.addEventListener('snapshot', function (event) {
			applySnapshot(JSON.parse(event.data));
			// After a reconnect the URL's view may be stale.
			postView();
		});
		events.addEventListener('message', function (event) {
			upsert(JSON.parse(event.data));
		});
		events.addEventListener('update', function (event) {
			upsert(JSON.parse(event.data));
		});
		events.addEventListener('user', function (event) {
			applyUser(JSON.parse(event.data));
		});
		events.addEventListener('typing', function (event) {
			state.typing = JSON.parse(event.data);
			renderHeader();
		});
		events.addEventListener('listening', function (event) {
			state.listening = JSON.parse(event.data);
			renderBanner();
		});
		events.addEventListener('clear', function (event) {
			var provider = JSON.parse(event.data).provider;
			state.messages = state.messages.filter(function (m) {
				return provider && m.provider !== provider;
			});
			renderAll();
		});
	}

	function poll() {
		fetch('/chat/api/state')
			.then(function (response) {
				return response.json();
			})
			.then(applySnapshot)
			.catch(function () {})
			.then(function () {
				setTimeout(poll, 1500);
			});
	}

	// ---------------------------------------------------------------------------------------
	// Menus, sheets, toasts

	var toastTimer = null;
	function toast(text, isError) {
		var node = $('toast');
		node.textContent = text;
		node.className = 'toast' + (isError ? ' error' : '');
		node.hidden = false;
		clearTimeout(toastTimer);
		toastTimer = setTimeout(function () {
			node.hidden = true;
		}, isError ? 6000 : 3000);
	}

	function closePopups() {
		$('attach-menu').hidden = true;
		$('user-menu').hidden = true;
		$('bubble-menu').hidden = true;
		state.menuFor = null;
	}

	function place(popup, anchor) {
		var phone = $('chat').getBoundingClientRect();
		var box = anchor.getBoundingClientRect();
		popup.hidden = false;
		var top = box.bottom - phone.top + 4;
		if (top + popup.offsetHeight > phone.height - 10) top = box.top - phone.top - popup.offsetHeight - 4;
		top = Math.min(Math.max(10, top), phone.height - popup.offsetHeight - 10);
		var left = Math.min(Math.max(10, box.left - phone.left), phone.width - popup.offsetWidth - 10);
		popup.style.top = top + 'px';
		popup.style.left = left + 'px';
	}

	function openBubbleMenu(message, anchor) {
		var menu = $('bubble-menu');
		if (!menu.hidden && state.menuFor === message.id) {
			closePopups();
			return;
		}
		closePopups();
		state.menuFor = message.id;
		var bar = menu.querySelector('.reactions-bar');
		bar.textContent = '';
		var mine = (message.reactions || {}).user;
		REACTIONS.forEach(function (emoji) {
			bar.appendChild(
				el('button', {
					type: 'button',
					className: emoji === mine ? 'chosen' : '',
					'data-testid': 'reaction-option',
					'data-emoji': emoji,
					text: emoji,
					onclick: function (event) {
						event.stopPropagation();
						closePopups();
						send({ type: 'reaction', messageId: message.id, emoji: emoji === mine ? '' : emoji });
					},
				}),
			);
		});
		place(menu, anchor);
	}

	function setReplyTo(message) {
		state.replyTo = message;
		var bar = $('replying');
		bar.hidden = !message;
		if (message) {
			var quote = quoteNode({ id: message.id, preview: previewOf(message), direction: message.direction });
			bar.querySelector('.quote').replaceWith(quote);
			$('chat-input').focus();
		}
	}

	function previewOf(message) {
		if (message.text) return message.text.length > 120 ? message.text.slice(0, 117) + '\u2026' : message.text;
		if (message.media) return message.media.kind === 'document' ? '\u{1F4C4} ' + (message.media.fileName || 'Document') : message.media.kind;
		if (message.location) return '\u{1F4CD} ' + (message.location.name || 'Location');
		return message.type;
	}

	function openList(message) {
		closePopups();
		var sheet = $('list-sheet');
		sheet.querySelector('.sheet-title').textContent = message.list.button;
		var body = sheet.querySelector('.sheet-body');
		body.textContent = '';
		message.list.sections.forEach(function (section) {
			if (section.title) body.appendChild(el('div', { className: 'sheet-section', text: section.title }));
			section.rows.forEach(function (row) {
				body.appendChild(
					el(
						'button',
						{
							type: 'button',
							className: 'list-row',
							'data-testid': 'list-row',
							'data-reply-id': row.replyId,
							onclick: function () {
								sheet.hidden = true;
								send({ type: 'reply', messageId: message.id, replyId: row.replyId });
							},
						},
						[el('div', { className: 'list-row-title', text: row.title }), row.description ? el('div', { className: 'list-row-description', text: row.description }) : null],
					),
				);
			});
		});
		sheet.hidden = false;
	}

	function renderPlaces() {
		var container = $('places');
		container.textContent = '';
		state.places.forEach(function (p) {
			container.appendChild(
				el(
					'button',
					{
						type: 'button',
						className: 'place-option',
						'data-testid': 'location-option',
						'data-place': p.id,
						onclick: function () {
							closePopups();
							send({ type: 'location', place: p.id });
						},
					},
					[p.name || 'Dropped pin', el('small', { text: p.address || p.latitude + ', ' + p.longitude })],
				),
			);
		});
	}

	function readFile(file) {
		return new Promise(function (resolve, reject) {
			var reader = new FileReader();
			reader.onload = function () {
				resolve(String(reader.result));
			};
			reader.onerror = function () {
				reject(reader.error);
			};
			reader.readAsDataURL(file);
		});
	}

	function takeCaption() {
		var input = $('chat-input');
		var caption = input.value.trim();
		input.value = '';
		return caption || undefined;
	}

	// ---------------------------------------------------------------------------------------
	// Wiring

	function init() {
		$('composer').addEventListener('submit', function (event) {
			event.preventDefault();
			var input = $('chat-input');
			var text = input.value;
			if (!text.trim()) return;
			input.value = '';
			var action = { type: 'text', text: text };
			if (state.replyTo) action.replyTo = state.replyTo.id;
			setReplyTo(null);
			send(action);
		});
		document.querySelectorAll('[data-testid="provider-switch"]').forEach(function (button) {
			button.addEventListener('click', function () {
				var provider = button.getAttribute('data-provider');
				if (provider === state.provider) return;
				state.provider = provider;
				closePopups();
				setReplyTo(null);
				renderHeader();
				renderAll();
				postView();
			});
		});
		$('attach').addEventListener('click', function (event) {
			event.stopPropagation();
			var menu = $('attach-menu');
			var open = menu.hidden;
			closePopups();
			menu.hidden = !open;
		});
		$('send-sample-image').addEventListener('click', function () {
			closePopups();
			send({ type: 'image', caption: takeCaption() });
		});
		$('send-file').addEventListener('click', function () {
			closePopups();
			$('file-input').click();
		});
		$('file-input').addEventListener('change', function (event) {
			var file = event.target.files && event.target.files[0];
			event.target.value = '';
			if (!file) return;
			readFile(file).then(
				function (data) {
					send({ type: 'file', data: data, mimeType: file.type || 'application/octet-stream', fileName: file.name, caption: takeCaption() });
				},
				function () {
					toast('Could not read ' + file.name, true);
				},
			);
		});
		$('reply-to').addEventListener('click', function (event) {
			event.stopPropagation();
			var message = state.messages.find(function (m) {
				return m.id === state.menuFor;
			});
			closePopups();
			if (message) setReplyTo(message);
		});
		$('replying-cancel').addEventListener('click', function () {
			setReplyTo(null);
		});
		$('list-close').addEventListener('click', function () {
			$('list-sheet').hidden = true;
		});
		$('list-sheet').addEventListener('click', function (event) {
			if (event.target === event.currentTarget) event.currentTarget.hidden = true;
		});
		$('clear-chat').addEventListener('click', function () {
			post('clear', { provider: state.provider }).catch(function (error) {
				toast(error.message, true);
			});
		});
		$('user-menu-open').addEventListener('click', function (event) {
			event.stopPropagation();
			var menu = $('user-menu');
			var open = menu.hidden;
			closePopups();
			menu.hidden = !open;
		});
		$('phone-hidden').addEventListener('change', function (event) {
			var hidden = event.target.checked;
			post('user', { phoneHidden: hidden }).then(
				function (result) {
					applyUser(result.user);
					toast(hidden ? 'You now write to Meta as @' + result.user.username + ', without your number' : 'Your number is visible again');
				},
				function (error) {
					event.target.checked = !hidden;
					toast(error.message, true);
				},
			);
		});
		$('change-user-id').addEventListener('click', function () {
			closePopups();
			post('identity', {}).then(
				function (result) {
					var delivery = result.delivery;
					toast(delivery.delivered ? 'Your user ID is now ' + result.userId : 'Your user ID is now ' + result.userId + '; ' + (delivery.error || 'not delivered'), !delivery.delivered);
				},
				function (error) {
					toast(error.message, true);
				},
			);
		});
		$('user-menu').addEventListener('click', stop);
		$('attach-menu').addEventListener('click', stop);
		$('bubble-menu').addEventListener('click', stop);
		document.addEventListener('click', function (event) {
			if (!event.target.closest || !event.target.closest('.bubble')) closePopups();
		});
		document.addEventListener('keydown', function (event) {
			if (event.key === 'Escape') {
				closePopups();
				$('list-sheet').hidden = true;
			}
		});
		document.addEventListener('visibilitychange', postView);
		// /chat?provider=twilio opens the Twilio conversation.
		var asked = new URLSearchParams(window.location.search).get('provider');
		if (asked === 'meta' || asked === 'twilio') state.provider = asked;
		renderHeader();
		connect();
	}

	if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', init);
	else init();
})();
