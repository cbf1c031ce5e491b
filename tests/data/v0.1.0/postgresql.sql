--
-- PostgreSQL database dump
--

\restrict LJhi3rRbNt5O4vmaIN9QeRzGIurVJLrnXkYHd4sLaz36237VswM5pLi9xALqfXp

-- Dumped from database version 15.18 (Debian 15.18-0+deb12u1)
-- Dumped by pg_dump version 15.18 (Debian 15.18-0+deb12u1)

SET statement_timeout = 0;
SET lock_timeout = 0;
SET idle_in_transaction_session_timeout = 0;
SET client_encoding = 'UTF8';
SET standard_conforming_strings = on;
SELECT pg_catalog.set_config('search_path', '', false);
SET check_function_bodies = false;
SET xmloption = content;
SET client_min_messages = warning;
SET row_security = off;

SET default_tablespace = '';

SET default_table_access_method = heap;

--
-- Name: alembic_version; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.alembic_version (
    version_num character varying(32) NOT NULL
);


--
-- Name: bounce; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.bounce (
    id integer NOT NULL,
    digest character varying(64) NOT NULL,
    source character varying(300) NOT NULL,
    kind character varying(16) NOT NULL,
    delivery_id integer,
    subscriber_id integer,
    status character varying(16) NOT NULL,
    summary character varying(500) NOT NULL,
    created_at timestamp with time zone NOT NULL
);


--
-- Name: bounce_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.bounce_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: bounce_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.bounce_id_seq OWNED BY public.bounce.id;


--
-- Name: confirm_token; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.confirm_token (
    id integer NOT NULL,
    token_hash character varying(64) NOT NULL,
    subscription_id integer NOT NULL,
    created_at timestamp with time zone NOT NULL,
    expires_at timestamp with time zone NOT NULL,
    used_at timestamp with time zone
);


--
-- Name: confirm_token_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.confirm_token_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: confirm_token_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.confirm_token_id_seq OWNED BY public.confirm_token.id;


--
-- Name: consent_event; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.consent_event (
    id integer NOT NULL,
    subscriber_id integer NOT NULL,
    list_id integer,
    kind character varying(32) NOT NULL,
    at timestamp with time zone NOT NULL,
    source character varying(100) NOT NULL,
    ip character varying(64),
    user_agent character varying(500),
    consent_text_version character varying(64),
    note character varying(2000) NOT NULL
);


--
-- Name: consent_event_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.consent_event_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: consent_event_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.consent_event_id_seq OWNED BY public.consent_event.id;


--
-- Name: delivery; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.delivery (
    id integer NOT NULL,
    edition_id integer NOT NULL,
    subscriber_id integer NOT NULL,
    subscription_id integer,
    list_id integer,
    status character varying(16) NOT NULL,
    attempts integer NOT NULL,
    next_attempt_at timestamp with time zone,
    last_code integer,
    last_reply character varying(500) NOT NULL,
    run_id character varying(32),
    possibly_duplicate boolean NOT NULL,
    bounce_kind character varying(16),
    created_at timestamp with time zone NOT NULL,
    sent_at timestamp with time zone,
    updated_at timestamp with time zone NOT NULL
);


--
-- Name: delivery_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.delivery_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: delivery_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.delivery_id_seq OWNED BY public.delivery.id;


--
-- Name: edition; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.edition (
    id integer NOT NULL,
    issue character varying(100) NOT NULL,
    title character varying(300) NOT NULL,
    subject character varying(300) NOT NULL,
    preheader character varying(500) NOT NULL,
    language character varying(8) NOT NULL,
    html text NOT NULL,
    text text NOT NULL,
    source_hash character varying(64) NOT NULL,
    nonce character varying(32) NOT NULL,
    created_at timestamp with time zone NOT NULL
);


--
-- Name: edition_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.edition_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: edition_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.edition_id_seq OWNED BY public.edition.id;


--
-- Name: mailing_list; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.mailing_list (
    id integer NOT NULL,
    name character varying(100) NOT NULL,
    title character varying(300) NOT NULL,
    private boolean NOT NULL,
    language character varying(8) NOT NULL,
    created_at timestamp with time zone NOT NULL
);


--
-- Name: mailing_list_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.mailing_list_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: mailing_list_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.mailing_list_id_seq OWNED BY public.mailing_list.id;


--
-- Name: outgoing_mail; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.outgoing_mail (
    id integer NOT NULL,
    kind character varying(32) NOT NULL,
    subscriber_id integer,
    recipient character varying(320) NOT NULL,
    message bytea NOT NULL,
    status character varying(16) NOT NULL,
    attempts integer NOT NULL,
    next_attempt_at timestamp with time zone,
    last_code integer,
    last_reply character varying(500) NOT NULL,
    created_at timestamp with time zone NOT NULL,
    sent_at timestamp with time zone
);


--
-- Name: outgoing_mail_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.outgoing_mail_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: outgoing_mail_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.outgoing_mail_id_seq OWNED BY public.outgoing_mail.id;


--
-- Name: send_run; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.send_run (
    id character varying(32) NOT NULL,
    edition_id integer NOT NULL,
    host character varying(200) NOT NULL,
    pid integer NOT NULL,
    started_at timestamp with time zone NOT NULL,
    heartbeat_at timestamp with time zone NOT NULL,
    finished_at timestamp with time zone
);


--
-- Name: subscriber; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.subscriber (
    id integer NOT NULL,
    email character varying(320),
    email_key character varying(320),
    name character varying(300) NOT NULL,
    language character varying(8) NOT NULL,
    organisation character varying(300) NOT NULL,
    city character varying(200) NOT NULL,
    country character varying(8) NOT NULL,
    attributes json NOT NULL,
    state character varying(16) NOT NULL,
    created_at timestamp with time zone NOT NULL,
    updated_at timestamp with time zone NOT NULL
);


--
-- Name: subscriber_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.subscriber_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: subscriber_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.subscriber_id_seq OWNED BY public.subscriber.id;


--
-- Name: subscription; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.subscription (
    id integer NOT NULL,
    subscriber_id integer NOT NULL,
    list_id integer NOT NULL,
    status character varying(16) NOT NULL,
    created_at timestamp with time zone NOT NULL,
    confirmed_at timestamp with time zone,
    unsubscribed_at timestamp with time zone,
    updated_at timestamp with time zone NOT NULL
);


--
-- Name: subscription_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.subscription_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: subscription_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.subscription_id_seq OWNED BY public.subscription.id;


--
-- Name: suppression; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.suppression (
    id integer NOT NULL,
    email_hash character varying(64) NOT NULL,
    list_id integer,
    reason character varying(16) NOT NULL,
    created_at timestamp with time zone NOT NULL
);


--
-- Name: suppression_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.suppression_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: suppression_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.suppression_id_seq OWNED BY public.suppression.id;


--
-- Name: bounce id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.bounce ALTER COLUMN id SET DEFAULT nextval('public.bounce_id_seq'::regclass);


--
-- Name: confirm_token id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.confirm_token ALTER COLUMN id SET DEFAULT nextval('public.confirm_token_id_seq'::regclass);


--
-- Name: consent_event id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.consent_event ALTER COLUMN id SET DEFAULT nextval('public.consent_event_id_seq'::regclass);


--
-- Name: delivery id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.delivery ALTER COLUMN id SET DEFAULT nextval('public.delivery_id_seq'::regclass);


--
-- Name: edition id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.edition ALTER COLUMN id SET DEFAULT nextval('public.edition_id_seq'::regclass);


--
-- Name: mailing_list id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.mailing_list ALTER COLUMN id SET DEFAULT nextval('public.mailing_list_id_seq'::regclass);


--
-- Name: outgoing_mail id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.outgoing_mail ALTER COLUMN id SET DEFAULT nextval('public.outgoing_mail_id_seq'::regclass);


--
-- Name: subscriber id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.subscriber ALTER COLUMN id SET DEFAULT nextval('public.subscriber_id_seq'::regclass);


--
-- Name: subscription id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.subscription ALTER COLUMN id SET DEFAULT nextval('public.subscription_id_seq'::regclass);


--
-- Name: suppression id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.suppression ALTER COLUMN id SET DEFAULT nextval('public.suppression_id_seq'::regclass);


--
-- Data for Name: alembic_version; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.alembic_version (version_num) FROM stdin;
0006
\.


--
-- Data for Name: bounce; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.bounce (id, digest, source, kind, delivery_id, subscriber_id, status, summary, created_at) FROM stdin;
1	2231b119fd7a4d8ffe5e43486a7d9ae66b614b82d97ea32a0499eb0e3c11a540	mbox:0	hard	26	27	5.1.1	Postfach unbekannt (5.1.1)	2026-12-02 18:11:45.826667+00
2	bab2c169be07f7527bb9c0d1a6f68ae1b926d3b7024b2547673bdd0c393cf63d	mbox:1	soft	33	34	4.2.2	Postfach voll (4.2.2)	2026-12-02 18:11:45.854877+00
3	c149068c3b4ca1ab137d981ffb54ab8b57bef8727628b0552b7e37620a651f3a	mbox:2	complaint	29	30		Beschwerde über Spam (Feedback-Type: abuse)	2026-12-02 18:11:45.864371+00
\.


--
-- Data for Name: confirm_token; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.confirm_token (id, token_hash, subscription_id, created_at, expires_at, used_at) FROM stdin;
1	5b19cd2c417598c6e90a1b68903a9a963dafd2b6a806d62b4af051e0d1ff2faa	51	2026-12-02 18:11:42.429071+00	2026-12-05 18:11:42.429071+00	\N
2	a9c563bc68fdb7899d5009bc3d9ce1bb4789e7eef12a04a83d76b95089e30708	52	2026-12-02 18:11:43.321266+00	2026-12-05 18:11:43.321266+00	2026-12-02 18:11:43.399215+00
3	3a40426345971bd9cf4047be5ba06045146d31b87f3f5881630e32610450067c	53	2026-12-02 18:11:43.42436+00	2026-12-05 18:11:43.42436+00	\N
\.


--
-- Data for Name: consent_event; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.consent_event (id, subscriber_id, list_id, kind, at, source, ip, user_agent, consent_text_version, note) FROM stdin;
1	1	1	imported_confirmed	2026-12-02 18:11:40.310104+00	import:subscribers-intl.csv	\N	\N	\N	Anmeldeliste Fachkonferenz 2019
2	2	1	imported_confirmed	2026-12-02 18:11:40.310104+00	import:subscribers-intl.csv	\N	\N	\N	Anmeldeliste Fachkonferenz 2019
3	3	1	imported_confirmed	2026-12-02 18:11:40.310104+00	import:subscribers-intl.csv	\N	\N	\N	Anmeldeliste Fachkonferenz 2019
4	4	1	imported_confirmed	2026-12-02 18:11:40.310104+00	import:subscribers-intl.csv	\N	\N	\N	Anmeldeliste Fachkonferenz 2019
5	5	1	imported_confirmed	2026-12-02 18:11:40.310104+00	import:subscribers-intl.csv	\N	\N	\N	Anmeldeliste Fachkonferenz 2019
6	6	1	imported_confirmed	2026-12-02 18:11:40.310104+00	import:subscribers-intl.csv	\N	\N	\N	Anmeldeliste Fachkonferenz 2019
7	7	1	imported_confirmed	2026-12-02 18:11:40.310104+00	import:subscribers-intl.csv	\N	\N	\N	Anmeldeliste Fachkonferenz 2019
8	8	1	imported_confirmed	2026-12-02 18:11:40.310104+00	import:subscribers-intl.csv	\N	\N	\N	Anmeldeliste Fachkonferenz 2019
9	9	1	imported_confirmed	2026-12-02 18:11:40.310104+00	import:subscribers-intl.csv	\N	\N	\N	Anmeldeliste Fachkonferenz 2019
10	10	1	imported_confirmed	2026-12-02 18:11:40.310104+00	import:subscribers-intl.csv	\N	\N	\N	Anmeldeliste Fachkonferenz 2019
11	11	1	imported_confirmed	2026-12-02 18:11:40.310104+00	import:subscribers-intl.csv	\N	\N	\N	Anmeldeliste Fachkonferenz 2019
12	12	1	imported_confirmed	2026-12-02 18:11:40.310104+00	import:subscribers-intl.csv	\N	\N	\N	Anmeldeliste Fachkonferenz 2019
13	13	1	imported_confirmed	2026-12-02 18:11:40.310104+00	import:subscribers-intl.csv	\N	\N	\N	Anmeldeliste Fachkonferenz 2019
14	14	1	imported_confirmed	2026-12-02 18:11:40.310104+00	import:subscribers-intl.csv	\N	\N	\N	Anmeldeliste Fachkonferenz 2019
15	15	1	imported_confirmed	2026-12-02 18:11:40.310104+00	import:subscribers-intl.csv	\N	\N	\N	Anmeldeliste Fachkonferenz 2019
16	16	1	imported_confirmed	2026-12-02 18:11:40.310104+00	import:subscribers-intl.csv	\N	\N	\N	Anmeldeliste Fachkonferenz 2019
17	17	1	imported_confirmed	2026-12-02 18:11:40.310104+00	import:subscribers-intl.csv	\N	\N	\N	Anmeldeliste Fachkonferenz 2019
18	18	1	imported_confirmed	2026-12-02 18:11:40.310104+00	import:subscribers-intl.csv	\N	\N	\N	Anmeldeliste Fachkonferenz 2019
19	19	1	imported_confirmed	2026-12-02 18:11:40.310104+00	import:subscribers-intl.csv	\N	\N	\N	Anmeldeliste Fachkonferenz 2019
20	20	1	imported_confirmed	2026-12-02 18:11:40.310104+00	import:subscribers-intl.csv	\N	\N	\N	Anmeldeliste Fachkonferenz 2019
21	21	1	imported_confirmed	2026-12-02 18:11:40.310104+00	import:subscribers-intl.csv	\N	\N	\N	Anmeldeliste Fachkonferenz 2019
22	22	1	imported_confirmed	2026-12-02 18:11:40.310104+00	import:subscribers-intl.csv	\N	\N	\N	Anmeldeliste Fachkonferenz 2019
23	23	1	imported_confirmed	2026-12-02 18:11:40.310104+00	import:subscribers-intl.csv	\N	\N	\N	Anmeldeliste Fachkonferenz 2019
24	24	1	imported_confirmed	2026-12-02 18:11:40.310104+00	import:subscribers-intl.csv	\N	\N	\N	Anmeldeliste Fachkonferenz 2019
25	25	1	imported_confirmed	2026-12-02 18:11:40.310104+00	import:subscribers-intl.csv	\N	\N	\N	Anmeldeliste Fachkonferenz 2019
26	26	1	imported_confirmed	2026-12-02 18:11:40.310104+00	import:subscribers-intl.csv	\N	\N	\N	Anmeldeliste Fachkonferenz 2019
27	27	1	imported_confirmed	2026-12-02 18:11:40.310104+00	import:subscribers-intl.csv	\N	\N	\N	Anmeldeliste Fachkonferenz 2019
28	28	1	imported_confirmed	2026-12-02 18:11:40.310104+00	import:subscribers-intl.csv	\N	\N	\N	Anmeldeliste Fachkonferenz 2019
29	29	1	imported_confirmed	2026-12-02 18:11:40.310104+00	import:subscribers-intl.csv	\N	\N	\N	Anmeldeliste Fachkonferenz 2019
30	30	1	imported_confirmed	2026-12-02 18:11:40.310104+00	import:subscribers-intl.csv	\N	\N	\N	Anmeldeliste Fachkonferenz 2019
31	31	1	imported_confirmed	2026-12-02 18:11:40.310104+00	import:subscribers-intl.csv	\N	\N	\N	Anmeldeliste Fachkonferenz 2019
32	32	1	imported_confirmed	2026-12-02 18:11:40.310104+00	import:subscribers-intl.csv	\N	\N	\N	Anmeldeliste Fachkonferenz 2019
33	33	1	imported_confirmed	2026-12-02 18:11:40.310104+00	import:subscribers-intl.csv	\N	\N	\N	Anmeldeliste Fachkonferenz 2019
34	34	1	imported_confirmed	2026-12-02 18:11:40.310104+00	import:subscribers-intl.csv	\N	\N	\N	Anmeldeliste Fachkonferenz 2019
35	35	1	imported_confirmed	2026-12-02 18:11:40.310104+00	import:subscribers-intl.csv	\N	\N	\N	Anmeldeliste Fachkonferenz 2019
36	36	1	imported_confirmed	2026-12-02 18:11:40.310104+00	import:subscribers-intl.csv	\N	\N	\N	Anmeldeliste Fachkonferenz 2019
37	37	1	imported_confirmed	2026-12-02 18:11:40.310104+00	import:subscribers-intl.csv	\N	\N	\N	Anmeldeliste Fachkonferenz 2019
38	38	1	imported_confirmed	2026-12-02 18:11:40.310104+00	import:subscribers-intl.csv	\N	\N	\N	Anmeldeliste Fachkonferenz 2019
39	39	1	imported_confirmed	2026-12-02 18:11:40.310104+00	import:subscribers-intl.csv	\N	\N	\N	Anmeldeliste Fachkonferenz 2019
40	40	1	imported_confirmed	2026-12-02 18:11:40.310104+00	import:subscribers-intl.csv	\N	\N	\N	Anmeldeliste Fachkonferenz 2019
41	41	2	imported_confirmed	2026-12-02 18:11:40.824771+00	import:presse.csv	\N	\N	\N	Import aus presse.csv mit --confirmed
42	42	2	imported_confirmed	2026-12-02 18:11:40.824771+00	import:presse.csv	\N	\N	\N	Import aus presse.csv mit --confirmed
43	43	2	imported_confirmed	2026-12-02 18:11:40.824771+00	import:presse.csv	\N	\N	\N	Import aus presse.csv mit --confirmed
44	44	2	imported_confirmed	2026-12-02 18:11:40.824771+00	import:presse.csv	\N	\N	\N	Import aus presse.csv mit --confirmed
45	45	2	imported_confirmed	2026-12-02 18:11:40.824771+00	import:presse.csv	\N	\N	\N	Import aus presse.csv mit --confirmed
46	46	2	imported_confirmed	2026-12-02 18:11:40.824771+00	import:presse.csv	\N	\N	\N	Import aus presse.csv mit --confirmed
47	47	2	imported_confirmed	2026-12-02 18:11:40.824771+00	import:presse.csv	\N	\N	\N	Import aus presse.csv mit --confirmed
48	48	2	imported_confirmed	2026-12-02 18:11:40.824771+00	import:presse.csv	\N	\N	\N	Import aus presse.csv mit --confirmed
49	49	1	added_confirmed	2026-12-02 18:11:41.326588+00	cli	\N	\N	\N	von Hand bestätigt eingetragen
50	1	2	added_confirmed	2026-12-02 18:11:41.834011+00	cli	\N	\N	\N	von Hand bestätigt eingetragen
51	50	1	signup	2026-12-02 18:11:42.42269+00	cli	\N	\N	2019-05	isamail subscribers add
52	51	1	signup	2026-12-02 18:11:43.317716+00	web	127.0.0.1	Mozilla/5.0 (X11; Linux x86_64) fixture/0.1.0	2019-05	web form
53	51	1	confirmed	2026-12-02 18:11:43.405606+00	web	127.0.0.1	Mozilla/5.0 (X11; Linux x86_64) fixture/0.1.0	2019-05	
54	52	1	signup	2026-12-02 18:11:43.422884+00	web	127.0.0.1	Mozilla/5.0 (X11; Linux x86_64) fixture/0.1.0	2019-05	web form
55	2	1	unsubscribed	2026-12-02 18:11:43.988607+00	cli	\N	\N	\N	
56	42	2	unsubscribed	2026-12-02 18:11:44.490575+00	cli	\N	\N	\N	
57	42	\N	forgotten	2026-12-02 18:11:44.4981+00	cli	\N	\N	\N	
58	27	1	bounced	2026-12-02 18:11:45.84309+00	bounce	\N	\N	\N	
59	30	1	complaint	2026-12-02 18:11:45.869453+00	complaint	\N	\N	\N	
60	28	1	unsubscribed	2026-12-02 18:11:45.902072+00	one-click	\N	\N	\N	
\.


--
-- Data for Name: delivery; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.delivery (id, edition_id, subscriber_id, subscription_id, list_id, status, attempts, next_attempt_at, last_code, last_reply, run_id, possibly_duplicate, bounce_kind, created_at, sent_at, updated_at) FROM stdin;
1	1	1	1	1	sent	1	\N	250	2.0.0 OK queued	\N	f	\N	2026-12-02 18:11:45.05555+00	2026-12-02 18:11:45.226664+00	2026-12-02 18:11:45.226664+00
2	1	3	3	1	sent	1	\N	250	2.0.0 OK queued	\N	f	\N	2026-12-02 18:11:45.05555+00	2026-12-02 18:11:45.226664+00	2026-12-02 18:11:45.226664+00
3	1	4	4	1	sent	1	\N	250	2.0.0 OK queued	\N	f	\N	2026-12-02 18:11:45.05555+00	2026-12-02 18:11:45.226664+00	2026-12-02 18:11:45.226664+00
4	1	5	5	1	sent	1	\N	250	2.0.0 OK queued	\N	f	\N	2026-12-02 18:11:45.05555+00	2026-12-02 18:11:45.226664+00	2026-12-02 18:11:45.226664+00
5	1	6	6	1	sent	1	\N	250	2.0.0 OK queued	\N	f	\N	2026-12-02 18:11:45.05555+00	2026-12-02 18:11:45.226664+00	2026-12-02 18:11:45.226664+00
6	1	7	7	1	sent	1	\N	250	2.0.0 OK queued	\N	f	\N	2026-12-02 18:11:45.05555+00	2026-12-02 18:11:45.226664+00	2026-12-02 18:11:45.226664+00
7	1	8	8	1	sent	1	\N	250	2.0.0 OK queued	\N	f	\N	2026-12-02 18:11:45.05555+00	2026-12-02 18:11:45.226664+00	2026-12-02 18:11:45.226664+00
8	1	9	9	1	sent	1	\N	250	2.0.0 OK queued	\N	f	\N	2026-12-02 18:11:45.05555+00	2026-12-02 18:11:45.226664+00	2026-12-02 18:11:45.226664+00
9	1	10	10	1	sent	1	\N	250	2.0.0 OK queued	\N	f	\N	2026-12-02 18:11:45.05555+00	2026-12-02 18:11:45.226664+00	2026-12-02 18:11:45.226664+00
10	1	11	11	1	sent	1	\N	250	2.0.0 OK queued	\N	f	\N	2026-12-02 18:11:45.05555+00	2026-12-02 18:11:45.226664+00	2026-12-02 18:11:45.226664+00
11	1	12	12	1	sent	1	\N	250	2.0.0 OK queued	\N	f	\N	2026-12-02 18:11:45.05555+00	2026-12-02 18:11:45.226664+00	2026-12-02 18:11:45.226664+00
12	1	13	13	1	sent	1	\N	250	2.0.0 OK queued	\N	f	\N	2026-12-02 18:11:45.05555+00	2026-12-02 18:11:45.226664+00	2026-12-02 18:11:45.226664+00
13	1	14	14	1	sent	1	\N	250	2.0.0 OK queued	\N	f	\N	2026-12-02 18:11:45.05555+00	2026-12-02 18:11:45.226664+00	2026-12-02 18:11:45.226664+00
14	1	15	15	1	sent	1	\N	250	2.0.0 OK queued	\N	f	\N	2026-12-02 18:11:45.05555+00	2026-12-02 18:11:45.226664+00	2026-12-02 18:11:45.226664+00
15	1	16	16	1	sent	1	\N	250	2.0.0 OK queued	\N	f	\N	2026-12-02 18:11:45.05555+00	2026-12-02 18:11:45.226664+00	2026-12-02 18:11:45.226664+00
16	1	17	17	1	sent	1	\N	250	2.0.0 OK queued	\N	f	\N	2026-12-02 18:11:45.05555+00	2026-12-02 18:11:45.226664+00	2026-12-02 18:11:45.226664+00
17	1	18	18	1	sent	1	\N	250	2.0.0 OK queued	\N	f	\N	2026-12-02 18:11:45.05555+00	2026-12-02 18:11:45.226664+00	2026-12-02 18:11:45.226664+00
18	1	19	19	1	sent	1	\N	250	2.0.0 OK queued	\N	f	\N	2026-12-02 18:11:45.05555+00	2026-12-02 18:11:45.226664+00	2026-12-02 18:11:45.226664+00
19	1	20	20	1	sent	1	\N	250	2.0.0 OK queued	\N	f	\N	2026-12-02 18:11:45.05555+00	2026-12-02 18:11:45.226664+00	2026-12-02 18:11:45.226664+00
20	1	21	21	1	sent	1	\N	250	2.0.0 OK queued	\N	f	\N	2026-12-02 18:11:45.05555+00	2026-12-02 18:11:45.226664+00	2026-12-02 18:11:45.226664+00
21	1	22	22	1	sent	1	\N	250	2.0.0 OK queued	\N	f	\N	2026-12-02 18:11:45.05555+00	2026-12-02 18:11:45.226664+00	2026-12-02 18:11:45.226664+00
22	1	23	23	1	sent	1	\N	250	2.0.0 OK queued	\N	f	\N	2026-12-02 18:11:45.05555+00	2026-12-02 18:11:45.226664+00	2026-12-02 18:11:45.226664+00
23	1	24	24	1	sent	1	\N	250	2.0.0 OK queued	\N	f	\N	2026-12-02 18:11:45.05555+00	2026-12-02 18:11:45.226664+00	2026-12-02 18:11:45.226664+00
24	1	25	25	1	sent	1	\N	250	2.0.0 OK queued	\N	f	\N	2026-12-02 18:11:45.05555+00	2026-12-02 18:11:45.226664+00	2026-12-02 18:11:45.226664+00
25	1	26	26	1	sent	1	\N	250	2.0.0 OK queued	\N	f	\N	2026-12-02 18:11:45.05555+00	2026-12-02 18:11:45.226664+00	2026-12-02 18:11:45.226664+00
27	1	28	28	1	sent	1	\N	250	2.0.0 OK queued	\N	f	\N	2026-12-02 18:11:45.05555+00	2026-12-02 18:11:45.226664+00	2026-12-02 18:11:45.226664+00
28	1	29	29	1	sent	1	\N	250	2.0.0 OK queued	\N	f	\N	2026-12-02 18:11:45.05555+00	2026-12-02 18:11:45.226664+00	2026-12-02 18:11:45.226664+00
30	1	31	31	1	sent	1	\N	250	2.0.0 OK queued	\N	f	\N	2026-12-02 18:11:45.05555+00	2026-12-02 18:11:45.226664+00	2026-12-02 18:11:45.226664+00
31	1	32	32	1	sent	1	\N	250	2.0.0 OK queued	\N	f	\N	2026-12-02 18:11:45.05555+00	2026-12-02 18:11:45.226664+00	2026-12-02 18:11:45.226664+00
32	1	33	33	1	sent	1	\N	250	2.0.0 OK queued	\N	f	\N	2026-12-02 18:11:45.05555+00	2026-12-02 18:11:45.226664+00	2026-12-02 18:11:45.226664+00
34	1	35	35	1	sent	1	\N	250	2.0.0 OK queued	\N	f	\N	2026-12-02 18:11:45.05555+00	2026-12-02 18:11:45.226664+00	2026-12-02 18:11:45.226664+00
26	1	27	27	1	bounced	1	\N	550	550 5.1.1 user unknown	\N	f	hard	2026-12-02 18:11:45.05555+00	2026-12-02 18:11:45.226664+00	2026-12-02 18:11:45.836117+00
33	1	34	34	1	sent	1	\N	250	2.0.0 OK queued	\N	f	soft	2026-12-02 18:11:45.05555+00	2026-12-02 18:11:45.226664+00	2026-12-02 18:11:45.857957+00
29	1	30	30	1	sent	1	\N	250	2.0.0 OK queued	\N	f	complaint	2026-12-02 18:11:45.05555+00	2026-12-02 18:11:45.226664+00	2026-12-02 18:11:45.867614+00
35	1	36	36	1	sent	1	\N	250	2.0.0 OK queued	\N	f	\N	2026-12-02 18:11:45.05555+00	2026-12-02 18:11:45.226664+00	2026-12-02 18:11:45.226664+00
36	1	37	37	1	sent	1	\N	250	2.0.0 OK queued	\N	f	\N	2026-12-02 18:11:45.05555+00	2026-12-02 18:11:45.226664+00	2026-12-02 18:11:45.226664+00
37	1	38	38	1	sent	1	\N	250	2.0.0 OK queued	\N	f	\N	2026-12-02 18:11:45.05555+00	2026-12-02 18:11:45.226664+00	2026-12-02 18:11:45.226664+00
38	1	39	39	1	sent	1	\N	250	2.0.0 OK queued	\N	f	\N	2026-12-02 18:11:45.05555+00	2026-12-02 18:11:45.226664+00	2026-12-02 18:11:45.226664+00
39	1	40	40	1	sent	1	\N	250	2.0.0 OK queued	\N	f	\N	2026-12-02 18:11:45.05555+00	2026-12-02 18:11:45.226664+00	2026-12-02 18:11:45.226664+00
40	1	41	41	2	sent	1	\N	250	2.0.0 OK queued	\N	f	\N	2026-12-02 18:11:45.05555+00	2026-12-02 18:11:45.226664+00	2026-12-02 18:11:45.226664+00
41	1	43	43	2	sent	1	\N	250	2.0.0 OK queued	\N	f	\N	2026-12-02 18:11:45.05555+00	2026-12-02 18:11:45.226664+00	2026-12-02 18:11:45.226664+00
42	1	44	44	2	sent	1	\N	250	2.0.0 OK queued	\N	f	\N	2026-12-02 18:11:45.05555+00	2026-12-02 18:11:45.226664+00	2026-12-02 18:11:45.226664+00
43	1	45	45	2	sent	1	\N	250	2.0.0 OK queued	\N	f	\N	2026-12-02 18:11:45.05555+00	2026-12-02 18:11:45.226664+00	2026-12-02 18:11:45.226664+00
44	1	46	46	2	sent	1	\N	250	2.0.0 OK queued	\N	f	\N	2026-12-02 18:11:45.05555+00	2026-12-02 18:11:45.226664+00	2026-12-02 18:11:45.226664+00
45	1	47	47	2	sent	1	\N	250	2.0.0 OK queued	\N	f	\N	2026-12-02 18:11:45.05555+00	2026-12-02 18:11:45.226664+00	2026-12-02 18:11:45.226664+00
46	1	48	48	2	sent	1	\N	250	2.0.0 OK queued	\N	f	\N	2026-12-02 18:11:45.05555+00	2026-12-02 18:11:45.226664+00	2026-12-02 18:11:45.226664+00
47	1	49	49	1	failed	1	\N	550	5.1.1 user unknown	\N	f	\N	2026-12-02 18:11:45.05555+00	\N	2026-12-02 18:11:45.226664+00
48	1	51	52	1	sent	1	\N	250	2.0.0 OK queued	\N	f	\N	2026-12-02 18:11:45.05555+00	2026-12-02 18:11:45.226664+00	2026-12-02 18:11:45.226664+00
61	2	14	14	1	queued	0	\N	\N		\N	f	\N	2026-12-02 18:11:46.462782+00	\N	2026-12-02 18:11:46.462782+00
62	2	15	15	1	queued	0	\N	\N		\N	f	\N	2026-12-02 18:11:46.462782+00	\N	2026-12-02 18:11:46.462782+00
63	2	16	16	1	queued	0	\N	\N		\N	f	\N	2026-12-02 18:11:46.462782+00	\N	2026-12-02 18:11:46.462782+00
64	2	17	17	1	queued	0	\N	\N		\N	f	\N	2026-12-02 18:11:46.462782+00	\N	2026-12-02 18:11:46.462782+00
65	2	18	18	1	queued	0	\N	\N		\N	f	\N	2026-12-02 18:11:46.462782+00	\N	2026-12-02 18:11:46.462782+00
66	2	19	19	1	queued	0	\N	\N		\N	f	\N	2026-12-02 18:11:46.462782+00	\N	2026-12-02 18:11:46.462782+00
67	2	20	20	1	queued	0	\N	\N		\N	f	\N	2026-12-02 18:11:46.462782+00	\N	2026-12-02 18:11:46.462782+00
68	2	21	21	1	queued	0	\N	\N		\N	f	\N	2026-12-02 18:11:46.462782+00	\N	2026-12-02 18:11:46.462782+00
69	2	22	22	1	queued	0	\N	\N		\N	f	\N	2026-12-02 18:11:46.462782+00	\N	2026-12-02 18:11:46.462782+00
70	2	23	23	1	queued	0	\N	\N		\N	f	\N	2026-12-02 18:11:46.462782+00	\N	2026-12-02 18:11:46.462782+00
71	2	24	24	1	queued	0	\N	\N		\N	f	\N	2026-12-02 18:11:46.462782+00	\N	2026-12-02 18:11:46.462782+00
72	2	25	25	1	queued	0	\N	\N		\N	f	\N	2026-12-02 18:11:46.462782+00	\N	2026-12-02 18:11:46.462782+00
73	2	26	26	1	queued	0	\N	\N		\N	f	\N	2026-12-02 18:11:46.462782+00	\N	2026-12-02 18:11:46.462782+00
74	2	29	29	1	queued	0	\N	\N		\N	f	\N	2026-12-02 18:11:46.462782+00	\N	2026-12-02 18:11:46.462782+00
75	2	31	31	1	queued	0	\N	\N		\N	f	\N	2026-12-02 18:11:46.462782+00	\N	2026-12-02 18:11:46.462782+00
76	2	32	32	1	queued	0	\N	\N		\N	f	\N	2026-12-02 18:11:46.462782+00	\N	2026-12-02 18:11:46.462782+00
77	2	33	33	1	queued	0	\N	\N		\N	f	\N	2026-12-02 18:11:46.462782+00	\N	2026-12-02 18:11:46.462782+00
78	2	34	34	1	queued	0	\N	\N		\N	f	\N	2026-12-02 18:11:46.462782+00	\N	2026-12-02 18:11:46.462782+00
79	2	35	35	1	queued	0	\N	\N		\N	f	\N	2026-12-02 18:11:46.462782+00	\N	2026-12-02 18:11:46.462782+00
80	2	36	36	1	queued	0	\N	\N		\N	f	\N	2026-12-02 18:11:46.462782+00	\N	2026-12-02 18:11:46.462782+00
81	2	37	37	1	queued	0	\N	\N		\N	f	\N	2026-12-02 18:11:46.462782+00	\N	2026-12-02 18:11:46.462782+00
82	2	38	38	1	queued	0	\N	\N		\N	f	\N	2026-12-02 18:11:46.462782+00	\N	2026-12-02 18:11:46.462782+00
83	2	39	39	1	queued	0	\N	\N		\N	f	\N	2026-12-02 18:11:46.462782+00	\N	2026-12-02 18:11:46.462782+00
84	2	40	40	1	queued	0	\N	\N		\N	f	\N	2026-12-02 18:11:46.462782+00	\N	2026-12-02 18:11:46.462782+00
85	2	49	49	1	queued	0	\N	\N		\N	f	\N	2026-12-02 18:11:46.462782+00	\N	2026-12-02 18:11:46.462782+00
86	2	51	52	1	queued	0	\N	\N		\N	f	\N	2026-12-02 18:11:46.462782+00	\N	2026-12-02 18:11:46.462782+00
55	2	8	8	1	sent	1	\N	250	2.0.0 OK queued	\N	f	\N	2026-12-02 18:11:46.462782+00	2026-12-02 18:11:46.51918+00	2026-12-02 18:11:46.51918+00
56	2	9	9	1	sent	1	\N	250	2.0.0 OK queued	\N	f	\N	2026-12-02 18:11:46.462782+00	2026-12-02 18:11:46.51918+00	2026-12-02 18:11:46.51918+00
57	2	10	10	1	sent	1	\N	250	2.0.0 OK queued	\N	f	\N	2026-12-02 18:11:46.462782+00	2026-12-02 18:11:46.51918+00	2026-12-02 18:11:46.51918+00
58	2	11	11	1	sent	1	\N	250	2.0.0 OK queued	\N	f	\N	2026-12-02 18:11:46.462782+00	2026-12-02 18:11:46.51918+00	2026-12-02 18:11:46.51918+00
59	2	12	12	1	sent	1	\N	250	2.0.0 OK queued	\N	f	\N	2026-12-02 18:11:46.462782+00	2026-12-02 18:11:46.51918+00	2026-12-02 18:11:46.51918+00
60	2	13	13	1	sent	1	\N	250	2.0.0 OK queued	\N	f	\N	2026-12-02 18:11:46.462782+00	2026-12-02 18:11:46.51918+00	2026-12-02 18:11:46.51918+00
49	2	1	1	1	sent	1	\N	250	2.0.0 OK queued	\N	f	\N	2026-12-02 18:11:46.462782+00	2026-12-02 18:11:46.528399+00	2026-12-02 18:11:46.528399+00
50	2	3	3	1	sent	1	\N	250	2.0.0 OK queued	\N	f	\N	2026-12-02 18:11:46.462782+00	2026-12-02 18:11:46.528399+00	2026-12-02 18:11:46.528399+00
51	2	4	4	1	sent	1	\N	250	2.0.0 OK queued	\N	f	\N	2026-12-02 18:11:46.462782+00	2026-12-02 18:11:46.528399+00	2026-12-02 18:11:46.528399+00
52	2	5	5	1	sent	1	\N	250	2.0.0 OK queued	\N	f	\N	2026-12-02 18:11:46.462782+00	2026-12-02 18:11:46.528399+00	2026-12-02 18:11:46.528399+00
53	2	6	6	1	sent	1	\N	250	2.0.0 OK queued	\N	f	\N	2026-12-02 18:11:46.462782+00	2026-12-02 18:11:46.528399+00	2026-12-02 18:11:46.528399+00
54	2	7	7	1	sent	1	\N	250	2.0.0 OK queued	\N	f	\N	2026-12-02 18:11:46.462782+00	2026-12-02 18:11:46.528399+00	2026-12-02 18:11:46.528399+00
\.


--
-- Data for Name: edition; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.edition (id, issue, title, subject, preheader, language, html, text, source_hash, nonce, created_at) FROM stdin;
1	2020-10	ISA-Newsletter Oktober 2020	ISA-Newsletter Oktober 2020	9. Plenarversammlung der ISA Auch… · Die neuen Mitgliedsstädte der ISA… · ISA-Studie zur technologischen Kooperation…	de	<!DOCTYPE html>\n<html lang="de" xmlns="http://www.w3.org/1999/xhtml">\n<head>\n<meta charset="utf-8">\n<meta name="viewport" content="width=device-width, initial-scale=1">\n<meta name="x-apple-disable-message-reformatting">\n<meta name="color-scheme" content="light dark">\n<meta name="supported-color-schemes" content="light dark">\n<title>ISA-Newsletter Oktober 2020</title>\n<style>@media (max-width: 620px) {\n    .container {\n        width: 100% !important;\n        max-width: 100% !important\n        }\n    .header {\n        padding: 20px 18px 16px 18px !important\n        }\n    .section {\n        padding: 20px 18px 6px 18px !important\n        }\n    .footer {\n        padding: 20px 18px 24px 18px !important\n        }\n    .topline {\n        padding: 8px 18px !important\n        }\n    .divider {\n        padding: 0 18px !important\n        }\n    .issue-title {\n        font-size: 22px !important;\n        line-height: 28px !important\n        }\n    }\n@media (prefers-color-scheme: dark) {\n    .body, .wrapper, .topline, .footer {\n        background-color: #12171d !important;\n        color: #b9c3cd !important\n        }\n    .container, .header, .section {\n        background-color: #1b222b !important;\n        color: #e6eaee !important\n        }\n    .editorial {\n        background-color: #202935 !important\n        }\n    .org, .issue-title, .section-title {\n        color: #dfe8f2 !important\n        }\n    .issue-date {\n        color: #b9c3cd !important\n        }\n    .section a {\n        color: #8cc2ff !important\n        }\n    .more a {\n        color: #ff8a8f !important\n        }\n    .topline a, .footer a {\n        color: #b9c3cd !important\n        }\n    }</style>\n</head>\n<body class="body" style="margin:0; padding:0; background-color:#eef1f4; color:#1d2733; font-family:Arial, Helvetica, sans-serif; -webkit-text-size-adjust:100%" bgcolor="#eef1f4">\n<div class="preheader" style="display: none; max-height: 0; overflow: hidden; mso-hide: all; font-size: 1px; line-height: 1px; color: #eef1f4; opacity: 0;">9. Plenarversammlung der ISA Auch… · Die neuen Mitgliedsstädte der ISA… · ISA-Studie zur technologischen Kooperation…͏‌ ͏‌ ͏‌ ͏‌ ͏‌ ͏‌ ͏‌ ͏‌ ͏‌ ͏‌ ͏‌ ͏‌ ͏‌ ͏‌ ͏‌ ͏‌ ͏‌ ͏‌ ͏‌ ͏‌ ͏‌ ͏‌ ͏‌ ͏‌ ͏‌ ͏‌ ͏‌ ͏‌ ͏‌ ͏‌ ͏‌ ͏‌ ͏‌ ͏‌ ͏‌ ͏‌ ͏‌ ͏‌ ͏‌ ͏‌ </div>\n<table role="presentation" class="wrapper" width="100%" cellpadding="0" cellspacing="0" border="0" style="border-collapse:collapse; width:100%; background-color:#eef1f4" bgcolor="#eef1f4">\n<tr>\n<td align="center">\n<table role="presentation" class="container" width="600" cellpadding="0" cellspacing="0" border="0" style="border-collapse:collapse; width:600px; max-width:600px; background-color:#fff" bgcolor="#ffffff">\n<tr><td class="topline" style="padding:10px 32px; font-size:12px; line-height:18px; color:#5b6672; background-color:#eef1f4; text-align:right" bgcolor="#eef1f4" align="right"><a href="http://127.0.0.1:38923/archive/2020-10" style="color:#5b6672; text-decoration:underline">Im Browser ansehen</a></td></tr>\n<tr>\n<td class="header" style="padding:28px 32px 20px 32px; border-top:5px solid #b5121b; border-bottom:1px solid #d7dde3; background-color:#fff" bgcolor="#ffffff">\n<p class="org" style="margin:0 0 6px 0; font-size:13px; line-height:18px; letter-spacing:0.5px; color:#1f3a5f; font-weight:bold">ISA – Chinesisch-Deutsche Industriestädteallianz</p>\n<h1 class="issue-title" style='margin:0; font-size:26px; line-height:32px; color:#1f3a5f; font-weight:bold; font-family:Georgia, "Times New Roman", serif'>ISA-Newsletter Oktober 2020</h1>\n<p class="issue-date" style="margin:6px 0 0 0; font-size:14px; line-height:20px; color:#5b6672">Oktober 2020</p>\n</td>\n</tr>\n<tr>\n<td class="section editorial" style='padding:24px 32px 8px 32px; font-size:16px; line-height:24px; color:#1d2733; background-color:#f7f8fa; border-bottom:1px solid #d7dde3; font-family:Georgia, "Times New Roman", serif' bgcolor="#f7f8fa">\n<p style="margin:0 0 14px 0">Liebe Mitglieder, Freunde und Förderer der ISA,</p>\n<p style="margin:0 0 14px 0">wenn irgendetwas die Bezeichnung Megatrend verdient, dann ist es die Urbanisierung Chinas. Etwa 60 Prozent der chinesischen Bevölkerung, das sind rund 840 Millionen Menschen, leben heute in Städten. Das Ende dieser Entwicklung ist aller Voraussicht nach noch lange nicht erreicht: In vom Einkommen her vergleichbaren Ländern liegt der Anteil der städtischen Bevölkerung bei 70 Prozent. Daher schätzt die German-Asia Pacific Business Association, dass die Städte Chinas in den kommenden 15 Jahren um mindestens weitere 300 Millionen Menschen wachsen werden. Zum Vergleich: Das entspricht schon annähernd der US-amerikanischen Gesamtbevölkerung.</p>\n<p style="margin:0 0 14px 0">Bei dieser Dynamik ist es nicht verwunderlich, dass das Thema „Smart Cities“ in China Konjunktur hat. Auch Wirtschaftsförderer der deutschen ISA-Städte haben auf der letzten ISA-Fachkonferenz Interesse an einem Austausch mit chinesischen Partnerstädten zu diesem Thema signalisiert. Angesichts der unterschiedlichen Größenordnungen deutscher und chinesischer Städte stellt sich die Frage nach der Schnittmenge der Interessen beider Seiten. Energieeffizienz im Gebäudebereich oder auch bei der Straßenbeleuchtung, um nur zwei Felder zu nennen, könnte ein Arbeitsfeld sein, das im beiderseitigen Interesse liegt.</p>\n<p style="margin:0 0 14px 0">China hat sich in der Bekämpfung des Klimawandels ehrgeizige Ziele gesetzt. Präsident Xi Jinping verkündete jüngst das Ziel, bis 2060 klimaneutral zu werden. Bundeskanzlerin Angela Merkel hat dies als ermutigend für ganz Europa bezeichnet und angekündigt, Deutschland werde mit China auf diesem Gebiet zusammenarbeiten. Auch unser ISA-Bündnis kann einen Beitrag dazu leisten.</p>\n<p style="margin:0 0 14px 0">China plant, bis zum Jahr 2025 fünf Millionen neue Gebäude mit insgesamt 40 Milliarden Quadratmetern Nutzfläche bauen zu lassen. Es wird von großer Bedeutung sein, diese Gebäude von Anfang an energieeffizient zu planen und zu bauen; späterer Umbau ist bekanntlich aufwendig und kann oft nur Stückwerk sein. Deutsche Städte und deutsche Unternehmen haben auf dem Gebiet des energieeffizienten Bauens und Betreibens manches zu bieten: Die ISA-Mitgliedstadt Bottrop zum Beispiel ist als Innovation City deutschlandweite Modellstadt für Umwelt und klimagerechten Stadtumbau. Auch andere ISA-Städte bemühen sich erfolgreich um Energieeffizienz und um den Einsatz von CO2-armer Energie im Baubereich. Die Deutsche Energie Agentur (dena) hat auf diesem Feld weltweit anerkannte Kompetenz und verfügt über China-Erfahrung, die sie in unser Bündnis einbringen kann.</p>\n<p style="margin:0 0 14px 0">Smarte Bauteile, vor allem Fenster, Türen, Rollläden, Heizungen und Lüftungsanlagen können drastisch beim Energiesparen helfen. Die deutsche Industrie hat hier einiges zu bieten, was Technik, Komfort und nicht zuletzt Energieeffizienz betrifft. Wer zum Beispiel bei Youtube unter „german windows“ nachforscht, wird dazu viel finden.</p>\n<p style="margin:0 0 14px 0">Liebe Freunde der ISA, liebe Wirtschaftsförderer der Mitgliedstädte,</p>\n<p style="margin:0 0 14px 0">Coronazeiten bieten die Möglichkeit, neue Konzepte zu entwerfen und Pläne zu schmieden. Wir sind für alle Ihre Anregungen offen und verstehen diese Zeilen als Anregung für Sie: Was genau für Ihre Stadt das Richtige und das Interessanteste ist, können Sie selbst am besten beurteilen.</p>\n<p style="margin:0 0 14px 0">Die Zusammenarbeit mit unseren chinesischen Partnerstädten bietet auf jeden Fall vielfache Chancen, denn die chinesische Wirtschaft kehrt Schritt für Schritt zu ihren früheren Wachstumsraten zurück. Nachdem sie im ersten Quartal 2020 um 6,8 Prozent geschrumpft war, lag das Wachstum im zweiten Quartal bereits bei 3,2 Prozent und erreichte im dritten Quartal nunmehr sogar 4,9 Prozent. Deutschlands enge Verflechtungen mit der chinesischen Wirtschaft bieten mehr Chancen von dieser schnellen Erholung zu profitieren.</p>\n<p style="margin:0 0 14px 0">Wir wünschen Ihnen allen Erfolg und ein Stück Gelassenheit, die in diesen Corona-Zeiten noch nützlicher ist als sonst. Wir senden unsere herzlichen Grüße in Ihre Büros oder ins Home Office.</p>\n<p style="margin:0 0 14px 0">Friedhelm Ost, Staatssekretär a. D.</p>\n<p style="margin:0 0 14px 0">Ernst Schwanhold Staatsminister a. D.</p>\n\n</td>\n</tr>\n<tr>\n<td class="section article" style="padding:24px 32px 8px 32px; font-size:16px; line-height:24px; color:#1d2733">\n<h2 class="section-title" style="margin:0 0 10px 0; font-size:17px; line-height:24px; color:#1f3a5f; font-weight:bold; font-family:Arial, Helvetica, sans-serif">9. Plenarversammlung der ISA Auch als virtueller Austausch ein Erfolg</h2>\n<p style="margin:0 0 14px 0">Am 16. Oktober 2020 trafen sich mehr als 20 Vertreter aus 15 deutschen und über 80 Vertreter aus 19 chinesischen Mitgliedsstädten zu ihrer ersten virtuellen Plenarversammlung. Dabei wurde eines klar: Auch in Zeiten der Pandemie halten Deutschland und China zusammen. Für die weitere Zusammenarbeit wurde vereinbart, sich verstärkt digital zu vernetzen – immer mit dem Ziel, weiterhin Kooperationen zwischen chinesischen und deutschen Städten und Unternehmen zu fördern.</p>\n\n<p class="more" style="margin:0 0 14px 0; font-size:15px; line-height:22px; font-weight:bold"><a href="https://isa-portal.de/de/newsletter/2020-10/9-plenarversammlung-der-isa-auch-als-virtueller" style="color:#b5121b; text-decoration:none">Lesen Sie mehr ›</a></p>\n</td>\n</tr>\n<tr><td class="divider" style="padding:0 32px"><div class="divider-line" style="border-top:1px solid #d7dde3; font-size:1px; line-height:1px"> </div></td></tr>\n<tr>\n<td class="section article" style="padding:24px 32px 8px 32px; font-size:16px; line-height:24px; color:#1d2733">\n<h2 class="section-title" style="margin:0 0 10px 0; font-size:17px; line-height:24px; color:#1f3a5f; font-weight:bold; font-family:Arial, Helvetica, sans-serif">Die neuen Mitgliedsstädte der ISA: Baoding, Huzhou, Luoyang und Xuchang</h2>\n<p style="margin:0 0 14px 0">BAODING 保定市 (Provinz Hebei)</p>\n<p style="margin:0 0 14px 0">„Baoding bedeutet Schutz und Ruhe“</p>\n<p style="margin:0 0 14px 0">Gesamtfläche: 19.000 km2<br>\nGesamtbevölkerung: 9,39 Mio. Einwohner<br>\nIndustriecluster: moderne Fertigungs-industrie, neue Energien und intelligentes Stromnetz, Biomedizin, neue Informationstechnologien</p>\n<p style="margin:0 0 14px 0">HUZHOU 湖州市 (Provinz Zhejiang)</p>\n<p style="margin:0 0 14px 0">„Klare Flüsse und grüne Berge sind so wertvoll wie Berge aus Gold und Silber mit dieser Philosophie gelang Huzhou der Eintritt in die nationale Strategie des Jangtse-Deltas und in die innovative Pilotzone für eine grüne Reform“</p>\n<p style="margin:0 0 14px 0">Gesamtfläche: 5.820 km2<br>\nGesamtbevölkerung: 3,06 Mio. Einwohner</p>\n<p style="margin:0 0 14px 0">Industriecluster: neue Antriebstechnik für Fahrzeuge, Schlüsselkomponenten, grüne Möbelindustrie, Freizeit und Tourismus-industrie, digitale Wirtschaft, High-End-Geräte u. moderne Textilindustrie</p>\n<p style="margin:0 0 14px 0">LUOYANG 洛阳市 (Provinz Henan)</p>\n<p style="margin:0 0 14px 0">„Luoyang ist eine technologiebasierte Stadt mit großer wissenschaftlicher und technologischer Stärke“</p>\n<p style="margin:0 0 14px 0">Gesamtfläche: 15.200 km2<br>\nGesamtbevölkerung: 7,17 Mio. Einwohner</p>\n<p style="margin:0 0 14px 0">Industriecluster: Maschinenbau, High-End Petrochemie und Informatik</p>\n<p style="margin:0 0 14px 0">Forschung und Entwicklung: 14 Forschungseinrichtungen auf der Provinzebene, 14 nationale Technologie-zentren von Unternehmen, 7 nationale Schlüssellabore, 9 nationale technische Forschungszentren sowie über 2.000 Forschungseinrichtungen</p>\n<p style="margin:0 0 14px 0">XUCHANG 许昌市 (Provinz Henan)</p>\n<p style="margin:0 0 14px 0">„Pilotstadt für minimale Müllerzeugung, Pilotzone für Integration zwischen Stadt und Land sowie Pilotstadt für nationale Standardisierung des öffentlichen Dienstes“</p>\n<p style="margin:0 0 14px 0">Gesamtfläche: 4.996 km2<br>\nGesamtbevölkerung: 5 Mio. Einwohner</p>\n<p style="margin:0 0 14px 0">Industriecluster: weltweit größter Standort für die Produktion von Haarprodukten, größte Produktionsbasis für synthetische Diamanten in Asien, größte Produktions-basis für Aufzüge in Zentral- und Westchina, größte Recyclingbasis für erneuerbare Ressourcen nördlich des Jangtse in China</p>\n\n<p class="more" style="margin:0 0 14px 0; font-size:15px; line-height:22px; font-weight:bold"><a href="https://isa-portal.de/de/newsletter/2020-10/die-neuen-mitgliedsstaedte-der-isa-baoding-huzhou" style="color:#b5121b; text-decoration:none">Weitere Informationen ›</a></p>\n</td>\n</tr>\n<tr><td class="divider" style="padding:0 32px"><div class="divider-line" style="border-top:1px solid #d7dde3; font-size:1px; line-height:1px"> </div></td></tr>\n<tr>\n<td class="section article" style="padding:24px 32px 8px 32px; font-size:16px; line-height:24px; color:#1d2733">\n<h2 class="section-title" style="margin:0 0 10px 0; font-size:17px; line-height:24px; color:#1f3a5f; font-weight:bold; font-family:Arial, Helvetica, sans-serif">ISA-Studie zur technologischen Kooperation von deutschen und chinesischen Unternehmen</h2>\n<p style="margin:0 0 14px 0">Eine Studie des Zentrums für Deutschland-studien an der Beijing Foreign Studies University im Auftrag der ISA zeigt Trends und Differenzen, aber auch Empfehlungen zur Kooperation zwischen deutschen und chinesischen Unternehmen auf: Chinesische und deutsche Unter-nehmen unterscheiden sich bei der technologischen Zusammenarbeit in ihrer Zielsetzung: Chinesische Unter-nehmen erwarten von der Kooperation einen besseren Zugang zum internationalen Markt und eine Verbesserung der Produktqualität. Deutsche Unternehmen wollen Zugang zum chinesischen Markt und ihre Produkte dem chinesischen Markt anpassen.</p>\n<p style="margin:0 0 14px 0">Deutsche und chinesische Unterneh-men werden künftig vor allem im Bereich Forschung und Entwicklung miteinander kooperieren.</p>\n<p style="margin:0 0 14px 0">Das Forscherteam empfiehlt zur Förderung der Kooperationen u.a. eine bessere chinesisch-deutsche Zusammenarbeit in der Hochschul- und Berufsbildung, einen besseren Schutz des geistigen Eigentums in China sowie ein besseres gegenseitiges kulturelles Verständnis.</p>\n<p style="margin:0 0 14px 0">Eine erfolgsversprechende techno-logische Zusammenarbeit zwischen China und Deutschland ist vor allem in aufstrebenden Industriezweigen wie künstliche Intelligenz, E-Mobilität, autonomes Fahren und unbemannte Produktion zu erwarten.</p>\n\n<p class="more" style="margin:0 0 14px 0; font-size:15px; line-height:22px; font-weight:bold"><a href="https://isa-portal.de/de/newsletter/2020-10/isa-studie-zur-technologischen-kooperation-von" style="color:#b5121b; text-decoration:none">Lesen Sie mehr ›</a></p>\n</td>\n</tr>\n<tr><td class="divider" style="padding:0 32px"><div class="divider-line" style="border-top:1px solid #d7dde3; font-size:1px; line-height:1px"> </div></td></tr>\n<tr>\n<td class="section article" style="padding:24px 32px 8px 32px; font-size:16px; line-height:24px; color:#1d2733">\n<h2 class="section-title" style="margin:0 0 10px 0; font-size:17px; line-height:24px; color:#1f3a5f; font-weight:bold; font-family:Arial, Helvetica, sans-serif">IWF-Chefin Kristalina Georgieva sieht positive Entwicklung der chinesischen Wirtschaft</h2>\n<p style="margin:0 0 14px 0">Die Geschäftsführende Direktorin des Internationalen Währungsfonds, Kristalina Georgieva, hat in ihrer Pressekonferenz am 15. Oktober die Erholung der chinesischen Wirtschaft und deren Auswirkungen auf die Weltwirtschaft beleuchtet. China ist das einzige Land, das im laufenden Jahr ein Wirtschaftswachstum verzeichnen kann. Der IWF, so Georgieva, gehe für 2020 mittlerweile von einem Wachstum von 1,9 Prozent aus, das sei fast 1 Prozentpunkt mehr, als der IWF noch vor einem Monat erwartet habe.</p>\n<p style="margin:0 0 14px 0">Der Grund für diese positive Entwicklung sei, dass China die Pandemie entschlossen eindämme und gleichzeitig kraftvolle monetäre und fiskalische Anreize gesetzt habe, um die Wirtschaft wieder anzukurbeln. Georgieva sagte, für 2021 rechne der IWF mit einem Wachstum der chinesischen Wirtschaft von 8,8 Prozent.</p>\n<p style="margin:0 0 14px 0">Die Erholung der chinesischen Wirtschaft habe sich positiv auf die Rohstoffpreise und auf rohstoffexportierende Länder ausgewirkt. Daneben komme sie vor allem denjenigen Ländern zugute, die mit China über globale Lieferketten eng verbunden seien. Positiv sei auch, dass China in dem Bemühen, einen Impfstoff gegen COVID-19 zu finden, international zusammenarbeite.</p>\n\n<p class="more" style="margin:0 0 14px 0; font-size:15px; line-height:22px; font-weight:bold"><a href="https://isa-portal.de/de/newsletter/2020-10/iwf-chefin-kristalina-georgieva-sieht-positive" style="color:#b5121b; text-decoration:none">Zum Nachhören ›</a></p>\n</td>\n</tr>\n<tr><td class="divider" style="padding:0 32px"><div class="divider-line" style="border-top:1px solid #d7dde3; font-size:1px; line-height:1px"> </div></td></tr>\n<tr>\n<td class="section article" style="padding:24px 32px 8px 32px; font-size:16px; line-height:24px; color:#1d2733">\n<h2 class="section-title" style="margin:0 0 10px 0; font-size:17px; line-height:24px; color:#1f3a5f; font-weight:bold; font-family:Arial, Helvetica, sans-serif">Chinas Online Handel wächst unaufhaltsam</h2>\n<p style="margin:0 0 14px 0">Am 11. November ist es wieder so weit, der Singles‘ Day, Chinas legendäres Online-Shopping-Festival, steht wieder vor der Tür. Die großen Online-Anbieter wie TMall, JD.com oder Alibaba stehen bereits in den Start-löchern und erwarten große Gewinne. Sicher werden sie vom Konsumenthusiasmus in der Post-COVID-19 Zeit profitieren. Zahlreiche zusätzliche Kunden konnten während der Corona-Krise hinzugewonnen werden, vor allem viele ältere und weniger technikaffine Menschen. Sie haben nun erfahren, wie hilfreich und einfach das Einkaufen z.B. von Lebensmitteln im Internet sein kann.</p>\n<p style="margin:0 0 14px 0">So beschert der Online Handel in China ein zweistelliges Wachstum, während der stationäre Einzelhandel das Jahr 2020 mit einem dicken Minus abschließen wird.</p>\n<p style="margin:0 0 14px 0">Auch beim grenzüberschreitenden Online Handel ist mit einem großen Plus zu rechnen.</p>\n<p style="margin:0 0 14px 0">Mehr zu den unterschiedlichen Entwicklungen der Online-Sparten und dazu, welche Strategie deutsche Anbieter von Konsum-gütern, Waren und Dienstleistungen beim Eintritt in den chinesischen Online-Markt anwenden können, erfahren Sie in einem Branchenbericht der GTAI.</p>\n\n<p class="more" style="margin:0 0 14px 0; font-size:15px; line-height:22px; font-weight:bold"><a href="https://isa-portal.de/de/newsletter/2020-10/chinas-online-handel-waechst-unaufhaltsam" style="color:#b5121b; text-decoration:none">Lesen Sie mehr ›</a></p>\n</td>\n</tr>\n<tr>\n<td class="footer" style="padding:24px 32px 32px 32px; font-size:12px; line-height:18px; color:#5b6672; background-color:#eef1f4" bgcolor="#eef1f4">\n<p style="margin:0 0 10px 0"><a href="ISAMAILxPLACEHOLDERxUNSUBSCRIBExURL" style="color:#5b6672; text-decoration:underline">Sie möchten den Newsletter nicht mehr erhalten? Hier abmelden</a> · <a href="http://127.0.0.1:38923/archive/2020-10" style="color:#5b6672; text-decoration:underline">Web-Version</a></p>\n<p style="margin:0 0 10px 0">Sie erhalten diesen Newsletter, weil Sie sich mit ISAMAILxPLACEHOLDERxRECIPIENTxEMAIL für den ISA-Newsletter angemeldet haben.</p>\n<p style="margin:0 0 10px 0"><strong>Impressum</strong><br>\nChinesisch-Deutsche Industriestädteallianz (ISA)<br>\nHerausgeber: PKS Kommunikations- und Strategieberatung GmbH<br>\nReinhardtstraße 34, 10117 Berlin<br>\nKontakt: <a href="mailto:newsletter@isa-portal.de" style="color:#5b6672; text-decoration:underline">newsletter@isa-portal.de</a><br>\n<a href="https://isa-portal.de" style="color:#5b6672; text-decoration:underline">https://isa-portal.de</a> · <a href="https://isa-portal.de/datenschutz" style="color:#5b6672; text-decoration:underline">Datenschutzerklärung</a></p>\n</td>\n</tr>\n</table>\n</td>\n</tr>\n</table>\n</body>\n</html>\n	ISA – Chinesisch-Deutsche Industriestädteallianz\n\nISA-Newsletter Oktober 2020\n===========================\nOktober 2020\n\nIm Browser ansehen: http://127.0.0.1:38923/archive/2020-10\n\n\nLiebe Mitglieder, Freunde und Förderer der ISA,\n\nwenn irgendetwas die Bezeichnung Megatrend verdient, dann ist es die\nUrbanisierung Chinas. Etwa 60 Prozent der chinesischen Bevölkerung, das\nsind rund 840 Millionen Menschen, leben heute in Städten. Das Ende\ndieser Entwicklung ist aller Voraussicht nach noch lange nicht erreicht:\nIn vom Einkommen her vergleichbaren Ländern liegt der Anteil der\nstädtischen Bevölkerung bei 70 Prozent. Daher schätzt die German-Asia\nPacific Business Association, dass die Städte Chinas in den kommenden 15\nJahren um mindestens weitere 300 Millionen Menschen wachsen werden. Zum\nVergleich: Das entspricht schon annähernd der US-amerikanischen\nGesamtbevölkerung.\n\nBei dieser Dynamik ist es nicht verwunderlich, dass das Thema „Smart\nCities“ in China Konjunktur hat. Auch Wirtschaftsförderer der deutschen\nISA-Städte haben auf der letzten ISA-Fachkonferenz Interesse an einem\nAustausch mit chinesischen Partnerstädten zu diesem Thema signalisiert.\nAngesichts der unterschiedlichen Größenordnungen deutscher und\nchinesischer Städte stellt sich die Frage nach der Schnittmenge der\nInteressen beider Seiten. Energieeffizienz im Gebäudebereich oder auch\nbei der Straßenbeleuchtung, um nur zwei Felder zu nennen, könnte ein\nArbeitsfeld sein, das im beiderseitigen Interesse liegt.\n\nChina hat sich in der Bekämpfung des Klimawandels ehrgeizige Ziele\ngesetzt. Präsident Xi Jinping verkündete jüngst das Ziel, bis 2060\nklimaneutral zu werden. Bundeskanzlerin Angela Merkel hat dies als\nermutigend für ganz Europa bezeichnet und angekündigt, Deutschland werde\nmit China auf diesem Gebiet zusammenarbeiten. Auch unser ISA-Bündnis\nkann einen Beitrag dazu leisten.\n\nChina plant, bis zum Jahr 2025 fünf Millionen neue Gebäude mit insgesamt\n40 Milliarden Quadratmetern Nutzfläche bauen zu lassen. Es wird von\ngroßer Bedeutung sein, diese Gebäude von Anfang an energieeffizient zu\nplanen und zu bauen; späterer Umbau ist bekanntlich aufwendig und kann\noft nur Stückwerk sein. Deutsche Städte und deutsche Unternehmen haben\nauf dem Gebiet des energieeffizienten Bauens und Betreibens manches zu\nbieten: Die ISA-Mitgliedstadt Bottrop zum Beispiel ist als Innovation\nCity deutschlandweite Modellstadt für Umwelt und klimagerechten\nStadtumbau. Auch andere ISA-Städte bemühen sich erfolgreich um\nEnergieeffizienz und um den Einsatz von CO2-armer Energie im Baubereich.\nDie Deutsche Energie Agentur (dena) hat auf diesem Feld weltweit\nanerkannte Kompetenz und verfügt über China-Erfahrung, die sie in unser\nBündnis einbringen kann.\n\nSmarte Bauteile, vor allem Fenster, Türen, Rollläden, Heizungen und\nLüftungsanlagen können drastisch beim Energiesparen helfen. Die deutsche\nIndustrie hat hier einiges zu bieten, was Technik, Komfort und nicht\nzuletzt Energieeffizienz betrifft. Wer zum Beispiel bei Youtube unter\n„german windows“ nachforscht, wird dazu viel finden.\n\nLiebe Freunde der ISA, liebe Wirtschaftsförderer der Mitgliedstädte,\n\nCoronazeiten bieten die Möglichkeit, neue Konzepte zu entwerfen und\nPläne zu schmieden. Wir sind für alle Ihre Anregungen offen und\nverstehen diese Zeilen als Anregung für Sie: Was genau für Ihre Stadt\ndas Richtige und das Interessanteste ist, können Sie selbst am besten\nbeurteilen.\n\nDie Zusammenarbeit mit unseren chinesischen Partnerstädten bietet auf\njeden Fall vielfache Chancen, denn die chinesische Wirtschaft kehrt\nSchritt für Schritt zu ihren früheren Wachstumsraten zurück. Nachdem sie\nim ersten Quartal 2020 um 6,8 Prozent geschrumpft war, lag das Wachstum\nim zweiten Quartal bereits bei 3,2 Prozent und erreichte im dritten\nQuartal nunmehr sogar 4,9 Prozent. Deutschlands enge Verflechtungen mit\nder chinesischen Wirtschaft bieten mehr Chancen von dieser schnellen\nErholung zu profitieren.\n\nWir wünschen Ihnen allen Erfolg und ein Stück Gelassenheit, die in\ndiesen Corona-Zeiten noch nützlicher ist als sonst. Wir senden unsere\nherzlichen Grüße in Ihre Büros oder ins Home Office.\n\nFriedhelm Ost, Staatssekretär a. D.\n\nErnst Schwanhold Staatsminister a. D.\n\n\n9. Plenarversammlung der ISA Auch als virtueller Austausch ein Erfolg\n---------------------------------------------------------------------\n\nAm 16. Oktober 2020 trafen sich mehr als 20 Vertreter aus 15 deutschen\nund über 80 Vertreter aus 19 chinesischen Mitgliedsstädten zu ihrer\nersten virtuellen Plenarversammlung. Dabei wurde eines klar: Auch in\nZeiten der Pandemie halten Deutschland und China zusammen. Für die\nweitere Zusammenarbeit wurde vereinbart, sich verstärkt digital zu\nvernetzen – immer mit dem Ziel, weiterhin Kooperationen zwischen\nchinesischen und deutschen Städten und Unternehmen zu fördern.\n\nLesen Sie mehr [1]\n\n[1] https://isa-portal.de/de/newsletter/2020-10/9-plenarversammlung-der-isa-auch-als-virtueller\n\n\nDie neuen Mitgliedsstädte der ISA: Baoding, Huzhou, Luoyang und Xuchang\n-----------------------------------------------------------------------\n\nBAODING 保定市 (Provinz Hebei)\n\n„Baoding bedeutet Schutz und Ruhe“\n\nGesamtfläche: 19.000 km2\nGesamtbevölkerung: 9,39 Mio. Einwohner\nIndustriecluster: moderne Fertigungs-industrie, neue Energien und\nintelligentes Stromnetz, Biomedizin, neue Informationstechnologien\n\nHUZHOU 湖州市 (Provinz Zhejiang)\n\n„Klare Flüsse und grüne Berge sind so wertvoll wie Berge aus Gold und\nSilber mit dieser Philosophie gelang Huzhou der Eintritt in die\nnationale Strategie des Jangtse-Deltas und in die innovative Pilotzone\nfür eine grüne Reform“\n\nGesamtfläche: 5.820 km2\nGesamtbevölkerung: 3,06 Mio. Einwohner\n\nIndustriecluster: neue Antriebstechnik für Fahrzeuge,\nSchlüsselkomponenten, grüne Möbelindustrie, Freizeit und\nTourismus-industrie, digitale Wirtschaft, High-End-Geräte u. moderne\nTextilindustrie\n\nLUOYANG 洛阳市 (Provinz Henan)\n\n„Luoyang ist eine technologiebasierte Stadt mit großer\nwissenschaftlicher und technologischer Stärke“\n\nGesamtfläche: 15.200 km2\nGesamtbevölkerung: 7,17 Mio. Einwohner\n\nIndustriecluster: Maschinenbau, High-End Petrochemie und Informatik\n\nForschung und Entwicklung: 14 Forschungseinrichtungen auf der\nProvinzebene, 14 nationale Technologie-zentren von Unternehmen, 7\nnationale Schlüssellabore, 9 nationale technische Forschungszentren\nsowie über 2.000 Forschungseinrichtungen\n\nXUCHANG 许昌市 (Provinz Henan)\n\n„Pilotstadt für minimale Müllerzeugung, Pilotzone für Integration\nzwischen Stadt und Land sowie Pilotstadt für nationale Standardisierung\ndes öffentlichen Dienstes“\n\nGesamtfläche: 4.996 km2\nGesamtbevölkerung: 5 Mio. Einwohner\n\nIndustriecluster: weltweit größter Standort für die Produktion von\nHaarprodukten, größte Produktionsbasis für synthetische Diamanten in\nAsien, größte Produktions-basis für Aufzüge in Zentral- und Westchina,\ngrößte Recyclingbasis für erneuerbare Ressourcen nördlich des Jangtse in\nChina\n\nWeitere Informationen [2]\n\n[2] https://isa-portal.de/de/newsletter/2020-10/die-neuen-mitgliedsstaedte-der-isa-baoding-huzhou\n\n\nISA-Studie zur technologischen Kooperation von deutschen und chinesischen Unternehmen\n-------------------------------------------------------------------------------------\n\nEine Studie des Zentrums für Deutschland-studien an der Beijing Foreign\nStudies University im Auftrag der ISA zeigt Trends und Differenzen, aber\nauch Empfehlungen zur Kooperation zwischen deutschen und chinesischen\nUnternehmen auf: Chinesische und deutsche Unter-nehmen unterscheiden\nsich bei der technologischen Zusammenarbeit in ihrer Zielsetzung:\nChinesische Unter-nehmen erwarten von der Kooperation einen besseren\nZugang zum internationalen Markt und eine Verbesserung der\nProduktqualität. Deutsche Unternehmen wollen Zugang zum chinesischen\nMarkt und ihre Produkte dem chinesischen Markt anpassen.\n\nDeutsche und chinesische Unterneh-men werden künftig vor allem im\nBereich Forschung und Entwicklung miteinander kooperieren.\n\nDas Forscherteam empfiehlt zur Förderung der Kooperationen u.a. eine\nbessere chinesisch-deutsche Zusammenarbeit in der Hochschul- und\nBerufsbildung, einen besseren Schutz des geistigen Eigentums in China\nsowie ein besseres gegenseitiges kulturelles Verständnis.\n\nEine erfolgsversprechende techno-logische Zusammenarbeit zwischen China\nund Deutschland ist vor allem in aufstrebenden Industriezweigen wie\nkünstliche Intelligenz, E-Mobilität, autonomes Fahren und unbemannte\nProduktion zu erwarten.\n\nLesen Sie mehr [3]\n\n[3] https://isa-portal.de/de/newsletter/2020-10/isa-studie-zur-technologischen-kooperation-von\n\n\nIWF-Chefin Kristalina Georgieva sieht positive Entwicklung der chinesischen Wirtschaft\n--------------------------------------------------------------------------------------\n\nDie Geschäftsführende Direktorin des Internationalen Währungsfonds,\nKristalina Georgieva, hat in ihrer Pressekonferenz am 15. Oktober die\nErholung der chinesischen Wirtschaft und deren Auswirkungen auf die\nWeltwirtschaft beleuchtet. China ist das einzige Land, das im laufenden\nJahr ein Wirtschaftswachstum verzeichnen kann. Der IWF, so Georgieva,\ngehe für 2020 mittlerweile von einem Wachstum von 1,9 Prozent aus, das\nsei fast 1 Prozentpunkt mehr, als der IWF noch vor einem Monat erwartet\nhabe.\n\nDer Grund für diese positive Entwicklung sei, dass China die Pandemie\nentschlossen eindämme und gleichzeitig kraftvolle monetäre und\nfiskalische Anreize gesetzt habe, um die Wirtschaft wieder anzukurbeln.\nGeorgieva sagte, für 2021 rechne der IWF mit einem Wachstum der\nchinesischen Wirtschaft von 8,8 Prozent.\n\nDie Erholung der chinesischen Wirtschaft habe sich positiv auf die\nRohstoffpreise und auf rohstoffexportierende Länder ausgewirkt. Daneben\nkomme sie vor allem denjenigen Ländern zugute, die mit China über\nglobale Lieferketten eng verbunden seien. Positiv sei auch, dass China\nin dem Bemühen, einen Impfstoff gegen COVID-19 zu finden, international\nzusammenarbeite.\n\nZum Nachhören [4]\n\n[4] https://isa-portal.de/de/newsletter/2020-10/iwf-chefin-kristalina-georgieva-sieht-positive\n\n\nChinas Online Handel wächst unaufhaltsam\n----------------------------------------\n\nAm 11. November ist es wieder so weit, der Singles‘ Day, Chinas\nlegendäres Online-Shopping-Festival, steht wieder vor der Tür. Die\ngroßen Online-Anbieter wie TMall, JD.com oder Alibaba stehen bereits in\nden Start-löchern und erwarten große Gewinne. Sicher werden sie vom\nKonsumenthusiasmus in der Post-COVID-19 Zeit profitieren. Zahlreiche\nzusätzliche Kunden konnten während der Corona-Krise hinzugewonnen\nwerden, vor allem viele ältere und weniger technikaffine Menschen. Sie\nhaben nun erfahren, wie hilfreich und einfach das Einkaufen z.B. von\nLebensmitteln im Internet sein kann.\n\nSo beschert der Online Handel in China ein zweistelliges Wachstum,\nwährend der stationäre Einzelhandel das Jahr 2020 mit einem dicken Minus\nabschließen wird.\n\nAuch beim grenzüberschreitenden Online Handel ist mit einem großen Plus\nzu rechnen.\n\nMehr zu den unterschiedlichen Entwicklungen der Online-Sparten und dazu,\nwelche Strategie deutsche Anbieter von Konsum-gütern, Waren und\nDienstleistungen beim Eintritt in den chinesischen Online-Markt anwenden\nkönnen, erfahren Sie in einem Branchenbericht der GTAI.\n\nLesen Sie mehr [5]\n\n[5] https://isa-portal.de/de/newsletter/2020-10/chinas-online-handel-waechst-unaufhaltsam\n\n\n________________________________________________________________________\n\nAbmelden: ISAMAILxPLACEHOLDERxUNSUBSCRIBExURL\nWeb-Version: http://127.0.0.1:38923/archive/2020-10\n\nSie erhalten diesen Newsletter, weil Sie sich mit\nISAMAILxPLACEHOLDERxRECIPIENTxEMAIL für den ISA-Newsletter angemeldet\nhaben.\n\nImpressum\nChinesisch-Deutsche Industriestädteallianz (ISA)\nHerausgeber: PKS Kommunikations- und Strategieberatung GmbH\nReinhardtstraße 34, 10117 Berlin\nKontakt: newsletter@isa-portal.de\nhttps://isa-portal.de\nDatenschutzerklärung: https://isa-portal.de/datenschutz\n	89dced8191a0324e3fe45055aef2593f4162d4e4c459a39d3738ed875b20ef52	66b74d8b82ae	2026-12-02 18:11:45.048863+00
2	2021-02	ISA-Newsletter Februar 2021	ISA-Newsletter Februar 2021	Neujahrsgrüße unserer chinesischen Freunde · Die ISA wünscht alles Gute zum Frühlingsfest · 2. ISA-Videokonferenz…	de	<!DOCTYPE html>\n<html lang="de" xmlns="http://www.w3.org/1999/xhtml">\n<head>\n<meta charset="utf-8">\n<meta name="viewport" content="width=device-width, initial-scale=1">\n<meta name="x-apple-disable-message-reformatting">\n<meta name="color-scheme" content="light dark">\n<meta name="supported-color-schemes" content="light dark">\n<title>ISA-Newsletter Februar 2021</title>\n<style>@media (max-width: 620px) {\n    .container {\n        width: 100% !important;\n        max-width: 100% !important\n        }\n    .header {\n        padding: 20px 18px 16px 18px !important\n        }\n    .section {\n        padding: 20px 18px 6px 18px !important\n        }\n    .footer {\n        padding: 20px 18px 24px 18px !important\n        }\n    .topline {\n        padding: 8px 18px !important\n        }\n    .divider {\n        padding: 0 18px !important\n        }\n    .issue-title {\n        font-size: 22px !important;\n        line-height: 28px !important\n        }\n    }\n@media (prefers-color-scheme: dark) {\n    .body, .wrapper, .topline, .footer {\n        background-color: #12171d !important;\n        color: #b9c3cd !important\n        }\n    .container, .header, .section {\n        background-color: #1b222b !important;\n        color: #e6eaee !important\n        }\n    .editorial {\n        background-color: #202935 !important\n        }\n    .org, .issue-title, .section-title {\n        color: #dfe8f2 !important\n        }\n    .issue-date {\n        color: #b9c3cd !important\n        }\n    .section a {\n        color: #8cc2ff !important\n        }\n    .more a {\n        color: #ff8a8f !important\n        }\n    .topline a, .footer a {\n        color: #b9c3cd !important\n        }\n    }</style>\n</head>\n<body class="body" style="margin:0; padding:0; background-color:#eef1f4; color:#1d2733; font-family:Arial, Helvetica, sans-serif; -webkit-text-size-adjust:100%" bgcolor="#eef1f4">\n<div class="preheader" style="display: none; max-height: 0; overflow: hidden; mso-hide: all; font-size: 1px; line-height: 1px; color: #eef1f4; opacity: 0;">Neujahrsgrüße unserer chinesischen Freunde · Die ISA wünscht alles Gute zum Frühlingsfest · 2. ISA-Videokonferenz…͏‌ ͏‌ ͏‌ ͏‌ ͏‌ ͏‌ ͏‌ ͏‌ ͏‌ ͏‌ ͏‌ ͏‌ ͏‌ ͏‌ ͏‌ ͏‌ ͏‌ ͏‌ ͏‌ ͏‌ ͏‌ ͏‌ ͏‌ ͏‌ ͏‌ ͏‌ ͏‌ ͏‌ ͏‌ ͏‌ ͏‌ ͏‌ ͏‌ ͏‌ ͏‌ ͏‌ ͏‌ ͏‌ ͏‌ ͏‌ </div>\n<table role="presentation" class="wrapper" width="100%" cellpadding="0" cellspacing="0" border="0" style="border-collapse:collapse; width:100%; background-color:#eef1f4" bgcolor="#eef1f4">\n<tr>\n<td align="center">\n<table role="presentation" class="container" width="600" cellpadding="0" cellspacing="0" border="0" style="border-collapse:collapse; width:600px; max-width:600px; background-color:#fff" bgcolor="#ffffff">\n<tr><td class="topline" style="padding:10px 32px; font-size:12px; line-height:18px; color:#5b6672; background-color:#eef1f4; text-align:right" bgcolor="#eef1f4" align="right"><a href="http://127.0.0.1:38923/archive/2021-02" style="color:#5b6672; text-decoration:underline">Im Browser ansehen</a></td></tr>\n<tr>\n<td class="header" style="padding:28px 32px 20px 32px; border-top:5px solid #b5121b; border-bottom:1px solid #d7dde3; background-color:#fff" bgcolor="#ffffff">\n<p class="org" style="margin:0 0 6px 0; font-size:13px; line-height:18px; letter-spacing:0.5px; color:#1f3a5f; font-weight:bold">ISA – Chinesisch-Deutsche Industriestädteallianz</p>\n<h1 class="issue-title" style='margin:0; font-size:26px; line-height:32px; color:#1f3a5f; font-weight:bold; font-family:Georgia, "Times New Roman", serif'>ISA-Newsletter Februar 2021</h1>\n<p class="issue-date" style="margin:6px 0 0 0; font-size:14px; line-height:20px; color:#5b6672">Februar 2021</p>\n</td>\n</tr>\n<tr>\n<td class="section editorial" style='padding:24px 32px 8px 32px; font-size:16px; line-height:24px; color:#1d2733; background-color:#f7f8fa; border-bottom:1px solid #d7dde3; font-family:Georgia, "Times New Roman", serif' bgcolor="#f7f8fa">\n<p style="margin:0 0 14px 0">Liebe Mitglieder, Freunde und Förderer der ISA,</p>\n<p style="margin:0 0 14px 0">am 24. März findet unsere nächste ISA-Fachtagung statt. Wir freuen uns darauf, Sie – wenn auch nur per Zoom-Sitzung – wiederzusehen. Auf der Tagesordnung stehen insbesondere die Bereiche Energie, Energieeffizienz und Wasserstofftechnologie. Es handelt sich um Themen, an denen beide Seiten, die deutsche und die chinesische, großes Interesse haben. Wir wollen ausloten, ob und wie wir bei diesen Themen zum beiderseitigen Nutzen die Zusammenarbeit verstärken können. Hierbei sind alle gefragt: die Mitgliedstädte, die Unternehmen, die Universitäten und die Forschungseinrichtungen.</p>\n<p style="margin:0 0 14px 0">Apropos beiderseitiger Nutzen: Die EU und China haben Ende 2020 ein Investitionsabkommen zum Abschluss gebracht, das der wirtschaftlichen Zusammenarbeit mit China neue Chancen eröffnet. Wirtschaftsminister Peter Altmaier hat es als „handelspolitischen Meilenstein“ bezeichnet. Dieses Abkommen ist ein großer Erfolg der deutschen Ratspräsidentschaft – zum Vorteil für alle EU-Länder. Es könnte über die Förderung von fairem Wettbewerb und Transparenz hinaus zum Ausgangspunkt für ein noch besseres Miteinander bei den Beziehungen zwischen China und der EU werden. Enge wirtschaftliche Beziehungen zu China sind ein Win-win-Modell und kein Win-lose-Modell. Man sollte daher der in den Medien manchmal vertretenen Position entgegentreten, dass der Aufstieg Chinas den Niedergang des Westens bedeute. Die bisherige deutsch-chinesische Zusammenarbeit weist große Erfolge auf, das Investitionsabkommen kann diese in Zukunft noch ausweiten.</p>\n<p style="margin:0 0 14px 0">Der Vorstandsvorsitzende des VW-Konzerns, Herbert Diess, hat es unlängst auf den Punkt gebracht, als er sagte: „Für uns ist China aber nicht die große bedrohliche Macht, sondern eine Riesenchance.“ Dazu passend konnte er die neuesten Verkaufszahlen von VW auf dem chinesischen Markt präsentieren: VW hat im Januar dieses Jahres fast 42.000 Fahrzeuge nach China geliefert – gut 22 Prozent mehr als im Vorjahreszeitraum. Wir denken bei diesen Zahlen auch an die vielen mittelständischen Zulieferer und an deutsche „Hidden Champions“, die es wegen Corona gerade sehr schwer haben und die Teil dieses Erfolges sind. Was für die Automobilindustrie gilt, das melden auch viele Firmen aus anderen Branchen.</p>\n<p style="margin:0 0 14px 0">Angesichts der Globalisierung neigen wir ungeprüft dazu, uns für viel weltoffener zu halten als alle Generationen vor uns. Das ist jedoch keineswegs selbstverständlich. Auch Weltoffenheit muss immer wieder neu errungen werden und ist kein Privileg der Heutigen. Der große Gelehrte Gottfried Wilhelm Leibniz etwa hat in seinen 1697 erschienenen Novissima Sinica (etwa: Das Neueste von China) die Vorstellung entwickelt, dass die eurozentrische Belehrungsgesellschaft sich in Bezug auf China in eine Lerngesellschaft transformieren solle. Voneinander zu lernen, jeder vom anderen, das ist sicherlich gleichzeitig tieferer Sinn und schönster Nebeneffekt jeder Zusammenarbeit. Leibniz hat uns ein schönes Motto mitgegeben. Er schrieb: „Tauschen wir die Gaben aus und entzünden wir Licht am Lichte.“</p>\n<p style="margin:0 0 14px 0">In diesem Sinn freuen wir uns auf die Arbeit in unserem deutsch-chinesischen Bündnis im vor uns liegenden Jahr und auf den 24. März.</p>\n<p style="margin:0 0 14px 0">Bleiben Sie gesund und bleiben Sie gut gelaunt und zuversichtlich!</p>\n<p style="margin:0 0 14px 0">Wir grüßen herzlich ins Homeoffice</p>\n<p style="margin:0 0 14px 0">Friedhelm Ost, Staatssekretär a. D.</p>\n<p style="margin:0 0 14px 0">Ernst Schwanhold Staatsminister a. D.</p>\n\n</td>\n</tr>\n<tr>\n<td class="section article" style="padding:24px 32px 8px 32px; font-size:16px; line-height:24px; color:#1d2733">\n<h2 class="section-title" style="margin:0 0 10px 0; font-size:17px; line-height:24px; color:#1f3a5f; font-weight:bold; font-family:Arial, Helvetica, sans-serif">Neujahrsgrüße unserer chinesischen Freunde</h2>\n<p style="margin:0 0 14px 0">„Nach dem außergewöhnlichen Jahr 2020 beginnt das Jahr 2021 mit unserer Hoffnung auf die Zukunft. Anlässlich des Abschieds des alten und der Begrüßung des neuen Jahres möchte ich im Namen des Sekretariats der Chinesisch-Deutschen Industrieallianz (ISA) Ihnen von Herzen für Ihre Unterstützung bei der Allianz und der Arbeit des Sekretariats im vergangenen Jahr danken“ – mit diesen Zeilen leitet Frau Liu Yi, Generalsekretärin der Chinesisch-Deutschen Industrieallianz, ihre Neujahrswünsche an die deutschen Mitgliedsstädte ein.</p>\n\n<p class="more" style="margin:0 0 14px 0; font-size:15px; line-height:22px; font-weight:bold"><a href="https://isa-portal.de/de/newsletter/2021-02/neujahrsgruesse-unserer-chinesischen-freunde" style="color:#b5121b; text-decoration:none">Lesen Sie mehr ›</a></p>\n</td>\n</tr>\n<tr><td class="divider" style="padding:0 32px"><div class="divider-line" style="border-top:1px solid #d7dde3; font-size:1px; line-height:1px"> </div></td></tr>\n<tr>\n<td class="section article" style="padding:24px 32px 8px 32px; font-size:16px; line-height:24px; color:#1d2733">\n<h2 class="section-title" style="margin:0 0 10px 0; font-size:17px; line-height:24px; color:#1f3a5f; font-weight:bold; font-family:Arial, Helvetica, sans-serif">Die Chinesisch-Deutsche Industriestädteallianz (ISA) wünscht alles Gute zum Frühlingsfest</h2>\n<p style="margin:0 0 14px 0">Auch Staatssekretär a.D. Friedhelm Ost, der mit der PKS GmbH die deutsche Seite der ISA vertritt, sendete gute Wünsche zum Frühlingsfest nach Foshan. „Das Jahr 2021 stellt weiterhin große Herausforderungen für die Bewältigung der Pandemie. Wir blicken aber mit großer Zuversicht und Optimismus auf das neue Jahr und werden in guter und vertrauensvoller Zusammenarbeit in der ISA diese Herausforderungen angehen, um so die ISA noch stärker zu machen und die Menschen miteinander zu verbinden“, so seine Perspektive für das unter dem Zeichen des Büffels stehende neue chinesische Jahr.</p>\n\n<p class="more" style="margin:0 0 14px 0; font-size:15px; line-height:22px; font-weight:bold"><a href="https://isa-portal.de/de/newsletter/2021-02/die-chinesisch-deutsche-industriestaedteallianz" style="color:#b5121b; text-decoration:none">Lesen Sie mehr ›</a></p>\n</td>\n</tr>\n<tr><td class="divider" style="padding:0 32px"><div class="divider-line" style="border-top:1px solid #d7dde3; font-size:1px; line-height:1px"> </div></td></tr>\n<tr>\n<td class="section article" style="padding:24px 32px 8px 32px; font-size:16px; line-height:24px; color:#1d2733">\n<h2 class="section-title" style="margin:0 0 10px 0; font-size:17px; line-height:24px; color:#1f3a5f; font-weight:bold; font-family:Arial, Helvetica, sans-serif">2. ISA-Videokonferenz der Wirtschaftsförderungen und Beiräte am 24. März</h2>\n<p style="margin:0 0 14px 0">Welche Möglichkeiten sich für die deutschen ISA-Städte in China im Bereich Energie und Wasserstoff ergeben, das werden wir in unserer Fachtagung am 24. März erörtern. Denn auch in China stehen diese Themen weit oben auf der Prioritätenliste: Im September 2020 erklärte Präsident Xi Jinping vor der UN-Generalversammlung, China verpflichte sich bis zum Jahr 2060 klimaneutral zu werden. Die neue Marschrichtung forciert den Ausbau erneuerbarer Energien. So rechnet die Global Energy Interconnection Develop-ment and Cooperation Organization (GEIDCO) in Beijing mit einem jährlichen Ausbau der Windkraftkapazitäten um etwa 50 Gigawatt auf 540 Gigawatt im Jahr 2025 und der Solarenergiekapazitäten von jährlich 60 Gigawatt auf 560 Gigawatt. Bereits Ende Mai letzten Jahres verabschiedete der Volkskongress in Peking den landesweiten wirtschaftlichen und sozialen Entwicklungsplan für 2020, darin enthalten ist erstmalig auch die Formulierung eines „nationalen, strategischen Plans für die Entwicklung der industriellen Wasserstoffindustrie“. Auch Deutschland hat sich zum Ziel gesetzt bis 2050 C02-neutral zu werden und im Zuge dessen die nationale Wasserstoffstrategie in Gang gesetzt. Wasserstoff bietet große Chancen für Kooperationen und Handelsbeziehungen entlang neuer Wertschöpfungsketten. Wir freuen uns auf einen interessanten Austausch!</p>\n\n<p class="more" style="margin:0 0 14px 0; font-size:15px; line-height:22px; font-weight:bold"><a href="https://isa-portal.de/de/newsletter/2021-02/2-isa-videokonferenz-der-wirtschaftsfoerderungen" style="color:#b5121b; text-decoration:none">Lesen Sie mehr ›</a></p>\n</td>\n</tr>\n<tr><td class="divider" style="padding:0 32px"><div class="divider-line" style="border-top:1px solid #d7dde3; font-size:1px; line-height:1px"> </div></td></tr>\n<tr>\n<td class="section article" style="padding:24px 32px 8px 32px; font-size:16px; line-height:24px; color:#1d2733">\n<h2 class="section-title" style="margin:0 0 10px 0; font-size:17px; line-height:24px; color:#1f3a5f; font-weight:bold; font-family:Arial, Helvetica, sans-serif">China startet nationalen CO2-Handel</h2>\n<p style="margin:0 0 14px 0">Bereits seit 2012 unterstützt das Bundesum-weltministerium (BMU) China über die Internationale Klimaschutzinitiative (IKI) bei der ETS-Entwicklung mit dem von der Gesellschaft für internationale Zusammen-arbeit GmbH (GIZ) durchgeführten Vorhaben „Capacity Building zur Unterstützung des Aufbaus eines nationalen Emissions-handelssystems (ETS) in China“. Nun hat das chinesische Ministerium für Ökologie und Umwelt (MEE) am 5. Januar 2021 den Beginn der ersten Verpflichtungsperiode des nationalen Emissionshandelssystems (ETS) bekannt gegeben. Das Gesetz dazu trat am 1. Februar in Kraft. Damit werden 2.225 Unternehmen aus dem Energiesektor verpflichtet, ihre Emissionen zu messen und für jede ausgestoßene Tonne CO2 eine Emissionsberechtigung abzugeben. Das nationale Emissionshandelssystem reguliert jährlich rund 3,5 Gigatonnen CO2 und ist damit größer als das europäische System EU ETS.</p>\n\n<p class="more" style="margin:0 0 14px 0; font-size:15px; line-height:22px; font-weight:bold"><a href="https://isa-portal.de/de/newsletter/2021-02/china-startet-nationalen-co2-handel" style="color:#b5121b; text-decoration:none">Lesen Sie mehr ›</a></p>\n</td>\n</tr>\n<tr><td class="divider" style="padding:0 32px"><div class="divider-line" style="border-top:1px solid #d7dde3; font-size:1px; line-height:1px"> </div></td></tr>\n<tr>\n<td class="section article" style="padding:24px 32px 8px 32px; font-size:16px; line-height:24px; color:#1d2733">\n<h2 class="section-title" style="margin:0 0 10px 0; font-size:17px; line-height:24px; color:#1f3a5f; font-weight:bold; font-family:Arial, Helvetica, sans-serif">Chinas Strategien für eine nachhaltige Entwicklung</h2>\n<p style="margin:0 0 14px 0">Umwelt- und Klimapolitik spielen mittlerweile auch in China eine immer größere Rolle. Ist das auch jetzt nach dem schwierigen Corona- Jahr in China noch so? Dieser Fragen gehen Anna Holzmann und Nils Grünberg in einem MERICS China Monitor nach. Dabei analysieren sie insbesondere die Rolle technologischer Innovation und den Umbau der chinesischen Fertigungsindustrie.</p>\n\n<p class="more" style="margin:0 0 14px 0; font-size:15px; line-height:22px; font-weight:bold"><a href="https://isa-portal.de/de/newsletter/2021-02/chinas-strategien-fuer-eine-nachhaltige" style="color:#b5121b; text-decoration:none">Lesen Sie mehr ›</a></p>\n</td>\n</tr>\n<tr><td class="divider" style="padding:0 32px"><div class="divider-line" style="border-top:1px solid #d7dde3; font-size:1px; line-height:1px"> </div></td></tr>\n<tr>\n<td class="section article" style="padding:24px 32px 8px 32px; font-size:16px; line-height:24px; color:#1d2733">\n<h2 class="section-title" style="margin:0 0 10px 0; font-size:17px; line-height:24px; color:#1f3a5f; font-weight:bold; font-family:Arial, Helvetica, sans-serif">Der Duisburger Hafen gewinnt für die Logistik der Seidenstraße immer mehr an Bedeutung</h2>\n<p style="margin:0 0 14px 0">Nordrhein-Westfalen gilt als einer der führenden Umschlagplätze in Europa – und dazu trägt auch die neue Seidenstraße entscheidend bei. Neben Duisburg mit dem größten Binnenhafen Europas, sind mittlerweile auch Neuss und Köln direkt an die Logistikroute nach China angeschlossen, so ist es in einer Mitteilung von NRW.Global Business nachzulesen.</p>\n\n<p class="more" style="margin:0 0 14px 0; font-size:15px; line-height:22px; font-weight:bold"><a href="https://isa-portal.de/de/newsletter/2021-02/der-duisburger-hafen-gewinnt-fuer-die-logistik-der" style="color:#b5121b; text-decoration:none">Lesen Sie mehr ›</a></p>\n</td>\n</tr>\n<tr><td class="divider" style="padding:0 32px"><div class="divider-line" style="border-top:1px solid #d7dde3; font-size:1px; line-height:1px"> </div></td></tr>\n<tr>\n<td class="section article" style="padding:24px 32px 8px 32px; font-size:16px; line-height:24px; color:#1d2733">\n<h2 class="section-title" style="margin:0 0 10px 0; font-size:17px; line-height:24px; color:#1f3a5f; font-weight:bold; font-family:Arial, Helvetica, sans-serif">Meldung aus dem ISA-Sekretariat</h2>\n<p style="margin:0 0 14px 0">Am 3. Februar unterzeichnete die LUQOM Gruppe (Lampenwelt), der erste vertikal integrierte Online-Händler für Beleuchtungsprodukte in Europa, eine Kooperationsvereinbarung mit Poly Real Estate und ist damit offiziell in der Foshan Chinesisch-Deutschen Industrie Service Zone angesiedelt. Wir gratulieren sehr herzlich!</p>\n\n</td>\n</tr>\n<tr><td class="divider" style="padding:0 32px"><div class="divider-line" style="border-top:1px solid #d7dde3; font-size:1px; line-height:1px"> </div></td></tr>\n<tr>\n<td class="section article" style="padding:24px 32px 8px 32px; font-size:16px; line-height:24px; color:#1d2733">\n<h2 class="section-title" style="margin:0 0 10px 0; font-size:17px; line-height:24px; color:#1f3a5f; font-weight:bold; font-family:Arial, Helvetica, sans-serif">Vorläufiger Text des Investitionsabkommens EU-China ist nun online einsehbar</h2>\n<p style="margin:0 0 14px 0">Nachdem die EU und China im Dezember 2020 die Verhandlungen über ein umfassendes Investitionsabkommen (CAI) im Grundsatz abgeschlossen haben, wurde am 22.01.2021 der vorläufige Text veröffentlicht. China verpflichtet sich in dem Abkommen dazu, Investoren aus der EU einen umfassenderen Marktzugang als je zuvor zu gewähren, einschließlich einiger wichtiger neuer Marktöffnungen. China verpflichtet sich außerdem, eine fairere Behandlung von EU-Unternehmen in China zu gewährleisten. Nach juristischer Prüfung und Übersetzung wird der Text dem Rat und dem Europäischen Parlament zur Annahme vorgelegt.</p>\n\n<p class="more" style="margin:0 0 14px 0; font-size:15px; line-height:22px; font-weight:bold"><a href="https://isa-portal.de/de/newsletter/2021-02/vorlaeufiger-text-des-investitionsabkommens-eu" style="color:#b5121b; text-decoration:none">Lesen Sie mehr ›</a></p>\n</td>\n</tr>\n<tr>\n<td class="footer" style="padding:24px 32px 32px 32px; font-size:12px; line-height:18px; color:#5b6672; background-color:#eef1f4" bgcolor="#eef1f4">\n<p style="margin:0 0 10px 0"><a href="ISAMAILxPLACEHOLDERxUNSUBSCRIBExURL" style="color:#5b6672; text-decoration:underline">Sie möchten den Newsletter nicht mehr erhalten? Hier abmelden</a> · <a href="http://127.0.0.1:38923/archive/2021-02" style="color:#5b6672; text-decoration:underline">Web-Version</a></p>\n<p style="margin:0 0 10px 0">Sie erhalten diesen Newsletter, weil Sie sich mit ISAMAILxPLACEHOLDERxRECIPIENTxEMAIL für den ISA-Newsletter angemeldet haben.</p>\n<p style="margin:0 0 10px 0"><strong>Impressum</strong><br>\nChinesisch-Deutsche Industriestädteallianz (ISA)<br>\nHerausgeber: PKS Kommunikations- und Strategieberatung GmbH<br>\nReinhardtstraße 34, 10117 Berlin<br>\nKontakt: <a href="mailto:newsletter@isa-portal.de" style="color:#5b6672; text-decoration:underline">newsletter@isa-portal.de</a><br>\n<a href="https://isa-portal.de" style="color:#5b6672; text-decoration:underline">https://isa-portal.de</a> · <a href="https://isa-portal.de/datenschutz" style="color:#5b6672; text-decoration:underline">Datenschutzerklärung</a></p>\n</td>\n</tr>\n</table>\n</td>\n</tr>\n</table>\n</body>\n</html>\n	ISA – Chinesisch-Deutsche Industriestädteallianz\n\nISA-Newsletter Februar 2021\n===========================\nFebruar 2021\n\nIm Browser ansehen: http://127.0.0.1:38923/archive/2021-02\n\n\nLiebe Mitglieder, Freunde und Förderer der ISA,\n\nam 24. März findet unsere nächste ISA-Fachtagung statt. Wir freuen uns\ndarauf, Sie – wenn auch nur per Zoom-Sitzung – wiederzusehen. Auf der\nTagesordnung stehen insbesondere die Bereiche Energie, Energieeffizienz\nund Wasserstofftechnologie. Es handelt sich um Themen, an denen beide\nSeiten, die deutsche und die chinesische, großes Interesse haben. Wir\nwollen ausloten, ob und wie wir bei diesen Themen zum beiderseitigen\nNutzen die Zusammenarbeit verstärken können. Hierbei sind alle gefragt:\ndie Mitgliedstädte, die Unternehmen, die Universitäten und die\nForschungseinrichtungen.\n\nApropos beiderseitiger Nutzen: Die EU und China haben Ende 2020 ein\nInvestitionsabkommen zum Abschluss gebracht, das der wirtschaftlichen\nZusammenarbeit mit China neue Chancen eröffnet. Wirtschaftsminister\nPeter Altmaier hat es als „handelspolitischen Meilenstein“ bezeichnet.\nDieses Abkommen ist ein großer Erfolg der deutschen Ratspräsidentschaft\n– zum Vorteil für alle EU-Länder. Es könnte über die Förderung von\nfairem Wettbewerb und Transparenz hinaus zum Ausgangspunkt für ein noch\nbesseres Miteinander bei den Beziehungen zwischen China und der EU\nwerden. Enge wirtschaftliche Beziehungen zu China sind ein\nWin-win-Modell und kein Win-lose-Modell. Man sollte daher der in den\nMedien manchmal vertretenen Position entgegentreten, dass der Aufstieg\nChinas den Niedergang des Westens bedeute. Die bisherige\ndeutsch-chinesische Zusammenarbeit weist große Erfolge auf, das\nInvestitionsabkommen kann diese in Zukunft noch ausweiten.\n\nDer Vorstandsvorsitzende des VW-Konzerns, Herbert Diess, hat es unlängst\nauf den Punkt gebracht, als er sagte: „Für uns ist China aber nicht die\ngroße bedrohliche Macht, sondern eine Riesenchance.“ Dazu passend konnte\ner die neuesten Verkaufszahlen von VW auf dem chinesischen Markt\npräsentieren: VW hat im Januar dieses Jahres fast 42.000 Fahrzeuge nach\nChina geliefert – gut 22 Prozent mehr als im Vorjahreszeitraum. Wir\ndenken bei diesen Zahlen auch an die vielen mittelständischen Zulieferer\nund an deutsche „Hidden Champions“, die es wegen Corona gerade sehr\nschwer haben und die Teil dieses Erfolges sind. Was für die\nAutomobilindustrie gilt, das melden auch viele Firmen aus anderen\nBranchen.\n\nAngesichts der Globalisierung neigen wir ungeprüft dazu, uns für viel\nweltoffener zu halten als alle Generationen vor uns. Das ist jedoch\nkeineswegs selbstverständlich. Auch Weltoffenheit muss immer wieder neu\nerrungen werden und ist kein Privileg der Heutigen. Der große Gelehrte\nGottfried Wilhelm Leibniz etwa hat in seinen 1697 erschienenen Novissima\nSinica (etwa: Das Neueste von China) die Vorstellung entwickelt, dass\ndie eurozentrische Belehrungsgesellschaft sich in Bezug auf China in\neine Lerngesellschaft transformieren solle. Voneinander zu lernen, jeder\nvom anderen, das ist sicherlich gleichzeitig tieferer Sinn und schönster\nNebeneffekt jeder Zusammenarbeit. Leibniz hat uns ein schönes Motto\nmitgegeben. Er schrieb: „Tauschen wir die Gaben aus und entzünden wir\nLicht am Lichte.“\n\nIn diesem Sinn freuen wir uns auf die Arbeit in unserem\ndeutsch-chinesischen Bündnis im vor uns liegenden Jahr und auf den 24.\nMärz.\n\nBleiben Sie gesund und bleiben Sie gut gelaunt und zuversichtlich!\n\nWir grüßen herzlich ins Homeoffice\n\nFriedhelm Ost, Staatssekretär a. D.\n\nErnst Schwanhold Staatsminister a. D.\n\n\nNeujahrsgrüße unserer chinesischen Freunde\n------------------------------------------\n\n„Nach dem außergewöhnlichen Jahr 2020 beginnt das Jahr 2021 mit unserer\nHoffnung auf die Zukunft. Anlässlich des Abschieds des alten und der\nBegrüßung des neuen Jahres möchte ich im Namen des Sekretariats der\nChinesisch-Deutschen Industrieallianz (ISA) Ihnen von Herzen für Ihre\nUnterstützung bei der Allianz und der Arbeit des Sekretariats im\nvergangenen Jahr danken“ – mit diesen Zeilen leitet Frau Liu Yi,\nGeneralsekretärin der Chinesisch-Deutschen Industrieallianz, ihre\nNeujahrswünsche an die deutschen Mitgliedsstädte ein.\n\nLesen Sie mehr [1]\n\n[1] https://isa-portal.de/de/newsletter/2021-02/neujahrsgruesse-unserer-chinesischen-freunde\n\n\nDie Chinesisch-Deutsche Industriestädteallianz (ISA) wünscht alles Gute zum Frühlingsfest\n-----------------------------------------------------------------------------------------\n\nAuch Staatssekretär a.D. Friedhelm Ost, der mit der PKS GmbH die\ndeutsche Seite der ISA vertritt, sendete gute Wünsche zum Frühlingsfest\nnach Foshan. „Das Jahr 2021 stellt weiterhin große Herausforderungen für\ndie Bewältigung der Pandemie. Wir blicken aber mit großer Zuversicht und\nOptimismus auf das neue Jahr und werden in guter und vertrauensvoller\nZusammenarbeit in der ISA diese Herausforderungen angehen, um so die ISA\nnoch stärker zu machen und die Menschen miteinander zu verbinden“, so\nseine Perspektive für das unter dem Zeichen des Büffels stehende neue\nchinesische Jahr.\n\nLesen Sie mehr [2]\n\n[2] https://isa-portal.de/de/newsletter/2021-02/die-chinesisch-deutsche-industriestaedteallianz\n\n\n2. ISA-Videokonferenz der Wirtschaftsförderungen und Beiräte am 24. März\n------------------------------------------------------------------------\n\nWelche Möglichkeiten sich für die deutschen ISA-Städte in China im\nBereich Energie und Wasserstoff ergeben, das werden wir in unserer\nFachtagung am 24. März erörtern. Denn auch in China stehen diese Themen\nweit oben auf der Prioritätenliste: Im September 2020 erklärte Präsident\nXi Jinping vor der UN-Generalversammlung, China verpflichte sich bis zum\nJahr 2060 klimaneutral zu werden. Die neue Marschrichtung forciert den\nAusbau erneuerbarer Energien. So rechnet die Global Energy\nInterconnection Develop-ment and Cooperation Organization (GEIDCO) in\nBeijing mit einem jährlichen Ausbau der Windkraftkapazitäten um etwa 50\nGigawatt auf 540 Gigawatt im Jahr 2025 und der Solarenergiekapazitäten\nvon jährlich 60 Gigawatt auf 560 Gigawatt. Bereits Ende Mai letzten\nJahres verabschiedete der Volkskongress in Peking den landesweiten\nwirtschaftlichen und sozialen Entwicklungsplan für 2020, darin enthalten\nist erstmalig auch die Formulierung eines „nationalen, strategischen\nPlans für die Entwicklung der industriellen Wasserstoffindustrie“. Auch\nDeutschland hat sich zum Ziel gesetzt bis 2050 C02-neutral zu werden und\nim Zuge dessen die nationale Wasserstoffstrategie in Gang gesetzt.\nWasserstoff bietet große Chancen für Kooperationen und\nHandelsbeziehungen entlang neuer Wertschöpfungsketten. Wir freuen uns\nauf einen interessanten Austausch!\n\nLesen Sie mehr [3]\n\n[3] https://isa-portal.de/de/newsletter/2021-02/2-isa-videokonferenz-der-wirtschaftsfoerderungen\n\n\nChina startet nationalen CO2-Handel\n-----------------------------------\n\nBereits seit 2012 unterstützt das Bundesum-weltministerium (BMU) China\nüber die Internationale Klimaschutzinitiative (IKI) bei der\nETS-Entwicklung mit dem von der Gesellschaft für internationale\nZusammen-arbeit GmbH (GIZ) durchgeführten Vorhaben „Capacity Building\nzur Unterstützung des Aufbaus eines nationalen Emissions-handelssystems\n(ETS) in China“. Nun hat das chinesische Ministerium für Ökologie und\nUmwelt (MEE) am 5. Januar 2021 den Beginn der ersten\nVerpflichtungsperiode des nationalen Emissionshandelssystems (ETS)\nbekannt gegeben. Das Gesetz dazu trat am 1. Februar in Kraft. Damit\nwerden 2.225 Unternehmen aus dem Energiesektor verpflichtet, ihre\nEmissionen zu messen und für jede ausgestoßene Tonne CO2 eine\nEmissionsberechtigung abzugeben. Das nationale Emissionshandelssystem\nreguliert jährlich rund 3,5 Gigatonnen CO2 und ist damit größer als das\neuropäische System EU ETS.\n\nLesen Sie mehr [4]\n\n[4] https://isa-portal.de/de/newsletter/2021-02/china-startet-nationalen-co2-handel\n\n\nChinas Strategien für eine nachhaltige Entwicklung\n--------------------------------------------------\n\nUmwelt- und Klimapolitik spielen mittlerweile auch in China eine immer\ngrößere Rolle. Ist das auch jetzt nach dem schwierigen Corona- Jahr in\nChina noch so? Dieser Fragen gehen Anna Holzmann und Nils Grünberg in\neinem MERICS China Monitor nach. Dabei analysieren sie insbesondere die\nRolle technologischer Innovation und den Umbau der chinesischen\nFertigungsindustrie.\n\nLesen Sie mehr [5]\n\n[5] https://isa-portal.de/de/newsletter/2021-02/chinas-strategien-fuer-eine-nachhaltige\n\n\nDer Duisburger Hafen gewinnt für die Logistik der Seidenstraße immer mehr an Bedeutung\n--------------------------------------------------------------------------------------\n\nNordrhein-Westfalen gilt als einer der führenden Umschlagplätze in\nEuropa – und dazu trägt auch die neue Seidenstraße entscheidend bei.\nNeben Duisburg mit dem größten Binnenhafen Europas, sind mittlerweile\nauch Neuss und Köln direkt an die Logistikroute nach China\nangeschlossen, so ist es in einer Mitteilung von NRW.Global Business\nnachzulesen.\n\nLesen Sie mehr [6]\n\n[6] https://isa-portal.de/de/newsletter/2021-02/der-duisburger-hafen-gewinnt-fuer-die-logistik-der\n\n\nMeldung aus dem ISA-Sekretariat\n-------------------------------\n\nAm 3. Februar unterzeichnete die LUQOM Gruppe (Lampenwelt), der erste\nvertikal integrierte Online-Händler für Beleuchtungsprodukte in Europa,\neine Kooperationsvereinbarung mit Poly Real Estate und ist damit\noffiziell in der Foshan Chinesisch-Deutschen Industrie Service Zone\nangesiedelt. Wir gratulieren sehr herzlich!\n\n\nVorläufiger Text des Investitionsabkommens EU-China ist nun online einsehbar\n----------------------------------------------------------------------------\n\nNachdem die EU und China im Dezember 2020 die Verhandlungen über ein\numfassendes Investitionsabkommen (CAI) im Grundsatz abgeschlossen haben,\nwurde am 22.01.2021 der vorläufige Text veröffentlicht. China\nverpflichtet sich in dem Abkommen dazu, Investoren aus der EU einen\numfassenderen Marktzugang als je zuvor zu gewähren, einschließlich\neiniger wichtiger neuer Marktöffnungen. China verpflichtet sich\naußerdem, eine fairere Behandlung von EU-Unternehmen in China zu\ngewährleisten. Nach juristischer Prüfung und Übersetzung wird der Text\ndem Rat und dem Europäischen Parlament zur Annahme vorgelegt.\n\nLesen Sie mehr [7]\n\n[7] https://isa-portal.de/de/newsletter/2021-02/vorlaeufiger-text-des-investitionsabkommens-eu\n\n\n________________________________________________________________________\n\nAbmelden: ISAMAILxPLACEHOLDERxUNSUBSCRIBExURL\nWeb-Version: http://127.0.0.1:38923/archive/2021-02\n\nSie erhalten diesen Newsletter, weil Sie sich mit\nISAMAILxPLACEHOLDERxRECIPIENTxEMAIL für den ISA-Newsletter angemeldet\nhaben.\n\nImpressum\nChinesisch-Deutsche Industriestädteallianz (ISA)\nHerausgeber: PKS Kommunikations- und Strategieberatung GmbH\nReinhardtstraße 34, 10117 Berlin\nKontakt: newsletter@isa-portal.de\nhttps://isa-portal.de\nDatenschutzerklärung: https://isa-portal.de/datenschutz\n	1f7c78d6dcc73b1b0463204188604ec1fd11b75eddc64e072f3db3b3181c3e53	63255f4c7431	2026-12-02 18:11:46.456262+00
\.


--
-- Data for Name: mailing_list; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.mailing_list (id, name, title, private, language, created_at) FROM stdin;
1	isa-newsletter	ISA-Newsletter	f	de	2026-12-02 18:11:39.249675+00
2	isa-presse	ISA-Presseverteiler	t	de	2026-12-02 18:11:39.734337+00
\.


--
-- Data for Name: outgoing_mail; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.outgoing_mail (id, kind, subscriber_id, recipient, message, status, attempts, next_attempt_at, last_code, last_reply, created_at, sent_at) FROM stdin;
1	confirm	50	offen@stadt-zhaoqing.example	\\x446174653a205765642c2030322044656320323032362031383a31313a3432202b303030300d0a4d6573736167652d49443a203c636f6e6669726d2e6266303334626634326534613763386330636632406973612d706f7274616c2e64653e0d0a46726f6d3a204953412d4e6577736c6574746572203c6e6577736c6574746572406973612d706f7274616c2e64653e0d0a546f3a206f6666656e4073746164742d7a68616f71696e672e6578616d706c650d0a5375626a6563743a204269747465203d3f7574662d383f713f626573743d43333d4134746967656e3f3d20536965204968726520416e6d656c64756e67207a756d0d0a204953412d4e6577736c65747465720d0a4d494d452d56657273696f6e3a20312e300d0a436f6e74656e742d547970653a206d756c7469706172742f616c7465726e61746976653b20626f756e646172793d223d5f6973616d61696c5f656536383735343738643864666133613733383934373039220d0a0d0a2d2d3d5f6973616d61696c5f6565363837353437386438646661336137333839343730390d0a436f6e74656e742d547970653a20746578742f706c61696e3b20636861727365743d227574662d38220d0a436f6e74656e742d5472616e736665722d456e636f64696e673a2071756f7465642d7072696e7461626c650d0a0d0a477574656e205461672c0d0a0d0a53696520286f646572206a656d616e64206d6974204968726572204164726573736529206d3d43333d4236636874656e20666f6c67656e64656e204e6577736c657474657220657268616c3d0d0a74656e3a0d0a20202d204953412d4e6577736c65747465720d0a0d0a426974746520626573743d43333d4134746967656e20536965204968726520416e6d656c64756e67206d69742065696e656d204b6c69636b206175662064696573656e204c696e6b3a0d0a0d0a687474703a2f2f3132372e302e302e313a33383932332f636f6e6669726d2f7254474d7a4b677a4d484c79587639525a55366c6f376b7a4f4d6a73574734700d0a0d0a446572204c696e6b20697374203732205374756e64656e20673d43333d42436c7469672e0d0a0d0a57656e6e205369652073696368206e6963687420616e67656d656c64657420686162656e2c2069676e6f72696572656e20536965206469657365204d61696c2065696e666163683a206f683d0d0a6e6520426573743d43333d4134746967756e6720657268616c74656e20536965206e69636874732c20756e64204968726520416472657373652077697264206e616368203720546167656e3d0d0a2067656c3d43333d4236736368742e0d0a0d0a2d2d0d0a4368696e6573697363682d446575747363686520496e6475737472696573743d43333d4134647465616c6c69616e7a2028495341290d0a504b53204b6f6d6d756e696b6174696f6e732d20756e64205374726174656769656265726174756e6720476d62482c205265696e6861726474737472613d43333d3946652033342c2031303d0d0a313137204265726c696e0d0a6e6577736c6574746572406973612d706f7274616c2e64650d0a446174656e73636875747a65726b6c3d43333d413472756e673a2068747470733a2f2f6973612d706f7274616c2e64652f646174656e73636875747a0d0a0d0a2d2d3d5f6973616d61696c5f6565363837353437386438646661336137333839343730390d0a436f6e74656e742d547970653a20746578742f68746d6c3b20636861727365743d227574662d38220d0a436f6e74656e742d5472616e736665722d456e636f64696e673a2071756f7465642d7072696e7461626c650d0a0d0a3c21444f43545950452068746d6c3e0d0a3c68746d6c206c616e673d3344226465223e0d0a3c686561643e0d0a3c6d65746120636861727365743d3344227574662d38223e0d0a3c6d657461206e616d653d33442276696577706f72742220636f6e74656e743d33442277696474683d33446465766963652d77696474682c20696e697469616c2d7363616c653d334431223d0d0a3e0d0a3c7469746c653e426974746520626573743d43333d4134746967656e20536965204968726520416e6d656c64756e67207a756d204953412d4e6577736c65747465723c2f7469746c653e0d0a3c2f686561643e0d0a3c626f6479207374796c653d3344226d617267696e3a303b70616464696e673a303b6261636b67726f756e642d636f6c6f723a236565663166343b636f6c6f723a233164323733333b666f3d0d0a6e742d66616d696c793a417269616c2c48656c7665746963612c73616e732d73657269663b223e0d0a3c7461626c6520726f6c653d33442270726573656e746174696f6e222077696474683d33442231303025222063656c6c70616464696e673d33442230222063656c6c73706163696e673d0d0a3d334422302220626f726465723d3344223022207374796c653d3344226261636b67726f756e642d636f6c6f723a236565663166343b223e0d0a3c74723e3c746420616c69676e3d33442263656e74657222207374796c653d33442270616464696e673a3234707820313270783b223e0d0a3c7461626c6520726f6c653d33442270726573656e746174696f6e222077696474683d33442231303025222063656c6c70616464696e673d33442230222063656c6c73706163696e673d0d0a3d334422302220626f726465723d3344223022207374796c653d3344226d61782d77696474683a35363070783b6261636b67726f756e642d636f6c6f723a236666666666663b626f7264653d0d0a722d746f703a35707820736f6c696420236235313231623b223e0d0a3c74723e3c7464207374796c653d33442270616464696e673a3234707820323870782038707820323870783b666f6e742d73697a653a313370783b666f6e742d7765696768743a626f6c643d0d0a3b636f6c6f723a233166336135663b223e4368696e6573697363682d446575747363686520496e6475737472696573743d43333d4134647465616c6c69616e7a2028495341293c2f74643e3d0d0a3c2f74723e0d0a3c74723e3c7464207374796c653d33442270616464696e673a38707820323870783b666f6e742d73697a653a313670783b6c696e652d6865696768743a323470783b223e0d0a3c70207374796c653d3344226d617267696e3a302030203134707820303b223e477574656e205461672c3c2f703e0d0a3c70207374796c653d3344226d617267696e3a3020302038707820303b223e53696520286f646572206a656d616e64206d6974204968726572204164726573736529206d3d43333d4236633d0d0a6874656e20666f6c67656e64656e204e6577736c657474657220657268616c74656e3a3c2f703e0d0a3c756c207374796c653d3344226d617267696e3a302030203134707820303b70616464696e673a302030203020323270783b223e0d0a3c6c69207374796c653d334422666f6e742d7765696768743a626f6c643b636f6c6f723a233166336135663b223e4953412d4e6577736c65747465723c2f6c693e0d0a3c2f756c3e0d0a3c70207374796c653d3344226d617267696e3a302030203138707820303b223e426974746520626573743d43333d4134746967656e20536965204968726520416e6d656c64756e67206d693d0d0a742065696e656d204b6c69636b206175662064696573656e204c696e6b3a3c2f703e0d0a3c70207374796c653d3344226d617267696e3a302030203138707820303b223e3c6120687265663d334422687474703a2f2f3132372e302e302e313a33383932332f636f6e6669726d2f723d0d0a54474d7a4b677a4d484c79587639525a55366c6f376b7a4f4d6a735747347022207374796c653d334422646973706c61793a696e6c696e652d626c6f636b3b70616464696e673a313270783d0d0a20323270783b6261636b67726f756e642d636f6c6f723a236235313231623b636f6c6f723a236666666666663b746578742d6465636f726174696f6e3a6e6f6e653b666f6e742d776569673d0d0a68743a626f6c643b626f726465722d7261646975733a3470783b223e416e6d656c64756e6720626573743d43333d4134746967656e3c2f613e3c2f703e0d0a3c70207374796c653d3344226d617267696e3a302030203134707820303b666f6e742d73697a653a313370783b6c696e652d6865696768743a313970783b636f6c6f723a233562363637323d0d0a3b776f72642d627265616b3a627265616b2d616c6c3b223e3c6120687265663d334422687474703a2f2f3132372e302e302e313a33383932332f636f6e6669726d2f7254474d7a4b677a4d3d0d0a484c79587639525a55366c6f376b7a4f4d6a735747347022207374796c653d334422636f6c6f723a233062353761343b223e687474703a2f2f3132372e302e302e313a33383932332f636f3d0d0a6e6669726d2f7254474d7a4b677a4d484c79587639525a55366c6f376b7a4f4d6a73574734703c2f613e3c2f703e0d0a3c70207374796c653d3344226d617267696e3a302030203134707820303b666f6e742d73697a653a313470783b636f6c6f723a233363343735333b223e446572204c696e6b2069737420373d0d0a32205374756e64656e20673d43333d42436c7469672e2057656e6e205369652073696368206e6963687420616e67656d656c64657420686162656e2c2069676e6f72696572656e205369653d0d0a206469657365204d61696c2065696e666163683a206f686e6520426573743d43333d4134746967756e6720657268616c74656e20536965206e69636874732c20756e6420496872652041643d0d0a72657373652077697264206e616368203720546167656e2067656c3d43333d4236736368742e3c2f703e0d0a3c2f74643e3c2f74723e0d0a3c74723e3c7464207374796c653d33442270616464696e673a313670782032387078203234707820323870783b666f6e742d73697a653a313270783b6c696e652d6865696768743a3138703d0d0a783b636f6c6f723a233562363637323b6261636b67726f756e642d636f6c6f723a236637663866613b223e0d0a504b53204b6f6d6d756e696b6174696f6e732d20756e64205374726174656769656265726174756e6720476d62482c205265696e6861726474737472613d43333d3946652033342c2031303d0d0a313137204265726c696e203d43323d4237203c6120687265663d3344226d61696c746f3a6e6577736c6574746572406973612d706f7274616c2e646522207374796c653d334422636f6c6f3d0d0a723a233562363637323b223e6e6577736c6574746572406973612d706f7274616c2e64653c2f613e203d43323d4237203c6120687265663d33442268747470733a2f2f6973612d706f72743d0d0a616c2e64652f646174656e73636875747a22207374796c653d334422636f6c6f723a233562363637323b223e446174656e73636875747a65726b6c3d43333d413472756e673c2f613e0d0a3c2f74643e3c2f74723e0d0a3c2f7461626c653e0d0a3c2f74643e3c2f74723e0d0a3c2f7461626c653e0d0a3c2f626f64793e0d0a3c2f68746d6c3e0d0a0d0a2d2d3d5f6973616d61696c5f6565363837353437386438646661336137333839343730392d2d0d0a	sent	1	\N	250	2.0.0 OK queued	2026-12-02 18:11:42.450279+00	2026-12-02 18:11:42.465887+00
2	confirm	51	leser@isa-web.example	\\x446174653a205765642c2030322044656320323032362031383a31313a3433202b303030300d0a4d6573736167652d49443a203c636f6e6669726d2e6161333731353835323762643463363539646333406973612d706f7274616c2e64653e0d0a46726f6d3a204953412d4e6577736c6574746572203c6e6577736c6574746572406973612d706f7274616c2e64653e0d0a546f3a206c65736572406973612d7765622e6578616d706c650d0a5375626a6563743a204269747465203d3f7574662d383f713f626573743d43333d4134746967656e3f3d20536965204968726520416e6d656c64756e67207a756d0d0a204953412d4e6577736c65747465720d0a4d494d452d56657273696f6e3a20312e300d0a436f6e74656e742d547970653a206d756c7469706172742f616c7465726e61746976653b20626f756e646172793d223d5f6973616d61696c5f313838336330373536353462346361653437323032353635220d0a0d0a2d2d3d5f6973616d61696c5f3138383363303735363534623463616534373230323536350d0a436f6e74656e742d547970653a20746578742f706c61696e3b20636861727365743d227574662d38220d0a436f6e74656e742d5472616e736665722d456e636f64696e673a2071756f7465642d7072696e7461626c650d0a0d0a477574656e20546167204c6561204c657365722c0d0a0d0a53696520286f646572206a656d616e64206d6974204968726572204164726573736529206d3d43333d4236636874656e20666f6c67656e64656e204e6577736c657474657220657268616c3d0d0a74656e3a0d0a20202d204953412d4e6577736c65747465720d0a0d0a426974746520626573743d43333d4134746967656e20536965204968726520416e6d656c64756e67206d69742065696e656d204b6c69636b206175662064696573656e204c696e6b3a0d0a0d0a687474703a2f2f3132372e302e302e313a33383932332f636f6e6669726d2f30702d54674f677668752d7a41796f376e515874644b2d2d32334548334d5a300d0a0d0a446572204c696e6b20697374203732205374756e64656e20673d43333d42436c7469672e0d0a0d0a57656e6e205369652073696368206e6963687420616e67656d656c64657420686162656e2c2069676e6f72696572656e20536965206469657365204d61696c2065696e666163683a206f683d0d0a6e6520426573743d43333d4134746967756e6720657268616c74656e20536965206e69636874732c20756e64204968726520416472657373652077697264206e616368203720546167656e3d0d0a2067656c3d43333d4236736368742e0d0a0d0a2d2d0d0a4368696e6573697363682d446575747363686520496e6475737472696573743d43333d4134647465616c6c69616e7a2028495341290d0a504b53204b6f6d6d756e696b6174696f6e732d20756e64205374726174656769656265726174756e6720476d62482c205265696e6861726474737472613d43333d3946652033342c2031303d0d0a313137204265726c696e0d0a6e6577736c6574746572406973612d706f7274616c2e64650d0a446174656e73636875747a65726b6c3d43333d413472756e673a2068747470733a2f2f6973612d706f7274616c2e64652f646174656e73636875747a0d0a0d0a2d2d3d5f6973616d61696c5f3138383363303735363534623463616534373230323536350d0a436f6e74656e742d547970653a20746578742f68746d6c3b20636861727365743d227574662d38220d0a436f6e74656e742d5472616e736665722d456e636f64696e673a2071756f7465642d7072696e7461626c650d0a0d0a3c21444f43545950452068746d6c3e0d0a3c68746d6c206c616e673d3344226465223e0d0a3c686561643e0d0a3c6d65746120636861727365743d3344227574662d38223e0d0a3c6d657461206e616d653d33442276696577706f72742220636f6e74656e743d33442277696474683d33446465766963652d77696474682c20696e697469616c2d7363616c653d334431223d0d0a3e0d0a3c7469746c653e426974746520626573743d43333d4134746967656e20536965204968726520416e6d656c64756e67207a756d204953412d4e6577736c65747465723c2f7469746c653e0d0a3c2f686561643e0d0a3c626f6479207374796c653d3344226d617267696e3a303b70616464696e673a303b6261636b67726f756e642d636f6c6f723a236565663166343b636f6c6f723a233164323733333b666f3d0d0a6e742d66616d696c793a417269616c2c48656c7665746963612c73616e732d73657269663b223e0d0a3c7461626c6520726f6c653d33442270726573656e746174696f6e222077696474683d33442231303025222063656c6c70616464696e673d33442230222063656c6c73706163696e673d0d0a3d334422302220626f726465723d3344223022207374796c653d3344226261636b67726f756e642d636f6c6f723a236565663166343b223e0d0a3c74723e3c746420616c69676e3d33442263656e74657222207374796c653d33442270616464696e673a3234707820313270783b223e0d0a3c7461626c6520726f6c653d33442270726573656e746174696f6e222077696474683d33442231303025222063656c6c70616464696e673d33442230222063656c6c73706163696e673d0d0a3d334422302220626f726465723d3344223022207374796c653d3344226d61782d77696474683a35363070783b6261636b67726f756e642d636f6c6f723a236666666666663b626f7264653d0d0a722d746f703a35707820736f6c696420236235313231623b223e0d0a3c74723e3c7464207374796c653d33442270616464696e673a3234707820323870782038707820323870783b666f6e742d73697a653a313370783b666f6e742d7765696768743a626f6c643d0d0a3b636f6c6f723a233166336135663b223e4368696e6573697363682d446575747363686520496e6475737472696573743d43333d4134647465616c6c69616e7a2028495341293c2f74643e3d0d0a3c2f74723e0d0a3c74723e3c7464207374796c653d33442270616464696e673a38707820323870783b666f6e742d73697a653a313670783b6c696e652d6865696768743a323470783b223e0d0a3c70207374796c653d3344226d617267696e3a302030203134707820303b223e477574656e20546167204c6561204c657365722c3c2f703e0d0a3c70207374796c653d3344226d617267696e3a3020302038707820303b223e53696520286f646572206a656d616e64206d6974204968726572204164726573736529206d3d43333d4236633d0d0a6874656e20666f6c67656e64656e204e6577736c657474657220657268616c74656e3a3c2f703e0d0a3c756c207374796c653d3344226d617267696e3a302030203134707820303b70616464696e673a302030203020323270783b223e0d0a3c6c69207374796c653d334422666f6e742d7765696768743a626f6c643b636f6c6f723a233166336135663b223e4953412d4e6577736c65747465723c2f6c693e0d0a3c2f756c3e0d0a3c70207374796c653d3344226d617267696e3a302030203138707820303b223e426974746520626573743d43333d4134746967656e20536965204968726520416e6d656c64756e67206d693d0d0a742065696e656d204b6c69636b206175662064696573656e204c696e6b3a3c2f703e0d0a3c70207374796c653d3344226d617267696e3a302030203138707820303b223e3c6120687265663d334422687474703a2f2f3132372e302e302e313a33383932332f636f6e6669726d2f303d0d0a702d54674f677668752d7a41796f376e515874644b2d2d32334548334d5a3022207374796c653d334422646973706c61793a696e6c696e652d626c6f636b3b70616464696e673a313270783d0d0a20323270783b6261636b67726f756e642d636f6c6f723a236235313231623b636f6c6f723a236666666666663b746578742d6465636f726174696f6e3a6e6f6e653b666f6e742d776569673d0d0a68743a626f6c643b626f726465722d7261646975733a3470783b223e416e6d656c64756e6720626573743d43333d4134746967656e3c2f613e3c2f703e0d0a3c70207374796c653d3344226d617267696e3a302030203134707820303b666f6e742d73697a653a313370783b6c696e652d6865696768743a313970783b636f6c6f723a233562363637323d0d0a3b776f72642d627265616b3a627265616b2d616c6c3b223e3c6120687265663d334422687474703a2f2f3132372e302e302e313a33383932332f636f6e6669726d2f30702d54674f6776683d0d0a752d7a41796f376e515874644b2d2d32334548334d5a3022207374796c653d334422636f6c6f723a233062353761343b223e687474703a2f2f3132372e302e302e313a33383932332f636f3d0d0a6e6669726d2f30702d54674f677668752d7a41796f376e515874644b2d2d32334548334d5a303c2f613e3c2f703e0d0a3c70207374796c653d3344226d617267696e3a302030203134707820303b666f6e742d73697a653a313470783b636f6c6f723a233363343735333b223e446572204c696e6b2069737420373d0d0a32205374756e64656e20673d43333d42436c7469672e2057656e6e205369652073696368206e6963687420616e67656d656c64657420686162656e2c2069676e6f72696572656e205369653d0d0a206469657365204d61696c2065696e666163683a206f686e6520426573743d43333d4134746967756e6720657268616c74656e20536965206e69636874732c20756e6420496872652041643d0d0a72657373652077697264206e616368203720546167656e2067656c3d43333d4236736368742e3c2f703e0d0a3c2f74643e3c2f74723e0d0a3c74723e3c7464207374796c653d33442270616464696e673a313670782032387078203234707820323870783b666f6e742d73697a653a313270783b6c696e652d6865696768743a3138703d0d0a783b636f6c6f723a233562363637323b6261636b67726f756e642d636f6c6f723a236637663866613b223e0d0a504b53204b6f6d6d756e696b6174696f6e732d20756e64205374726174656769656265726174756e6720476d62482c205265696e6861726474737472613d43333d3946652033342c2031303d0d0a313137204265726c696e203d43323d4237203c6120687265663d3344226d61696c746f3a6e6577736c6574746572406973612d706f7274616c2e646522207374796c653d334422636f6c6f3d0d0a723a233562363637323b223e6e6577736c6574746572406973612d706f7274616c2e64653c2f613e203d43323d4237203c6120687265663d33442268747470733a2f2f6973612d706f72743d0d0a616c2e64652f646174656e73636875747a22207374796c653d334422636f6c6f723a233562363637323b223e446174656e73636875747a65726b6c3d43333d413472756e673c2f613e0d0a3c2f74643e3c2f74723e0d0a3c2f7461626c653e0d0a3c2f74643e3c2f74723e0d0a3c2f7461626c653e0d0a3c2f626f64793e0d0a3c2f68746d6c3e0d0a0d0a2d2d3d5f6973616d61696c5f3138383363303735363534623463616534373230323536352d2d0d0a	sent	1	\N	250	2.0.0 OK queued	2026-12-02 18:11:43.334643+00	2026-12-02 18:11:43.349048+00
3	confirm	52	wartet@isa-web.example	\\x446174653a205765642c2030322044656320323032362031383a31313a3433202b303030300d0a4d6573736167652d49443a203c636f6e6669726d2e3239636434316139306533613935646261656530406973612d706f7274616c2e64653e0d0a46726f6d3a204953412d4e6577736c6574746572203c6e6577736c6574746572406973612d706f7274616c2e64653e0d0a546f3a20776172746574406973612d7765622e6578616d706c650d0a5375626a6563743a204269747465203d3f7574662d383f713f626573743d43333d4134746967656e3f3d20536965204968726520416e6d656c64756e67207a756d0d0a204953412d4e6577736c65747465720d0a4d494d452d56657273696f6e3a20312e300d0a436f6e74656e742d547970653a206d756c7469706172742f616c7465726e61746976653b20626f756e646172793d223d5f6973616d61696c5f643731346366633332396430376234613638323565386332220d0a0d0a2d2d3d5f6973616d61696c5f6437313463666333323964303762346136383235653863320d0a436f6e74656e742d547970653a20746578742f706c61696e3b20636861727365743d227574662d38220d0a436f6e74656e742d5472616e736665722d456e636f64696e673a2071756f7465642d7072696e7461626c650d0a0d0a477574656e205461672c0d0a0d0a53696520286f646572206a656d616e64206d6974204968726572204164726573736529206d3d43333d4236636874656e20666f6c67656e64656e204e6577736c657474657220657268616c3d0d0a74656e3a0d0a20202d204953412d4e6577736c65747465720d0a0d0a426974746520626573743d43333d4134746967656e20536965204968726520416e6d656c64756e67206d69742065696e656d204b6c69636b206175662064696573656e204c696e6b3a0d0a0d0a687474703a2f2f3132372e302e302e313a33383932332f636f6e6669726d2f3037687869714161442d32424d554662464641686b65776e314a525f6c3178760d0a0d0a446572204c696e6b20697374203732205374756e64656e20673d43333d42436c7469672e0d0a0d0a57656e6e205369652073696368206e6963687420616e67656d656c64657420686162656e2c2069676e6f72696572656e20536965206469657365204d61696c2065696e666163683a206f683d0d0a6e6520426573743d43333d4134746967756e6720657268616c74656e20536965206e69636874732c20756e64204968726520416472657373652077697264206e616368203720546167656e3d0d0a2067656c3d43333d4236736368742e0d0a0d0a2d2d0d0a4368696e6573697363682d446575747363686520496e6475737472696573743d43333d4134647465616c6c69616e7a2028495341290d0a504b53204b6f6d6d756e696b6174696f6e732d20756e64205374726174656769656265726174756e6720476d62482c205265696e6861726474737472613d43333d3946652033342c2031303d0d0a313137204265726c696e0d0a6e6577736c6574746572406973612d706f7274616c2e64650d0a446174656e73636875747a65726b6c3d43333d413472756e673a2068747470733a2f2f6973612d706f7274616c2e64652f646174656e73636875747a0d0a0d0a2d2d3d5f6973616d61696c5f6437313463666333323964303762346136383235653863320d0a436f6e74656e742d547970653a20746578742f68746d6c3b20636861727365743d227574662d38220d0a436f6e74656e742d5472616e736665722d456e636f64696e673a2071756f7465642d7072696e7461626c650d0a0d0a3c21444f43545950452068746d6c3e0d0a3c68746d6c206c616e673d3344226465223e0d0a3c686561643e0d0a3c6d65746120636861727365743d3344227574662d38223e0d0a3c6d657461206e616d653d33442276696577706f72742220636f6e74656e743d33442277696474683d33446465766963652d77696474682c20696e697469616c2d7363616c653d334431223d0d0a3e0d0a3c7469746c653e426974746520626573743d43333d4134746967656e20536965204968726520416e6d656c64756e67207a756d204953412d4e6577736c65747465723c2f7469746c653e0d0a3c2f686561643e0d0a3c626f6479207374796c653d3344226d617267696e3a303b70616464696e673a303b6261636b67726f756e642d636f6c6f723a236565663166343b636f6c6f723a233164323733333b666f3d0d0a6e742d66616d696c793a417269616c2c48656c7665746963612c73616e732d73657269663b223e0d0a3c7461626c6520726f6c653d33442270726573656e746174696f6e222077696474683d33442231303025222063656c6c70616464696e673d33442230222063656c6c73706163696e673d0d0a3d334422302220626f726465723d3344223022207374796c653d3344226261636b67726f756e642d636f6c6f723a236565663166343b223e0d0a3c74723e3c746420616c69676e3d33442263656e74657222207374796c653d33442270616464696e673a3234707820313270783b223e0d0a3c7461626c6520726f6c653d33442270726573656e746174696f6e222077696474683d33442231303025222063656c6c70616464696e673d33442230222063656c6c73706163696e673d0d0a3d334422302220626f726465723d3344223022207374796c653d3344226d61782d77696474683a35363070783b6261636b67726f756e642d636f6c6f723a236666666666663b626f7264653d0d0a722d746f703a35707820736f6c696420236235313231623b223e0d0a3c74723e3c7464207374796c653d33442270616464696e673a3234707820323870782038707820323870783b666f6e742d73697a653a313370783b666f6e742d7765696768743a626f6c643d0d0a3b636f6c6f723a233166336135663b223e4368696e6573697363682d446575747363686520496e6475737472696573743d43333d4134647465616c6c69616e7a2028495341293c2f74643e3d0d0a3c2f74723e0d0a3c74723e3c7464207374796c653d33442270616464696e673a38707820323870783b666f6e742d73697a653a313670783b6c696e652d6865696768743a323470783b223e0d0a3c70207374796c653d3344226d617267696e3a302030203134707820303b223e477574656e205461672c3c2f703e0d0a3c70207374796c653d3344226d617267696e3a3020302038707820303b223e53696520286f646572206a656d616e64206d6974204968726572204164726573736529206d3d43333d4236633d0d0a6874656e20666f6c67656e64656e204e6577736c657474657220657268616c74656e3a3c2f703e0d0a3c756c207374796c653d3344226d617267696e3a302030203134707820303b70616464696e673a302030203020323270783b223e0d0a3c6c69207374796c653d334422666f6e742d7765696768743a626f6c643b636f6c6f723a233166336135663b223e4953412d4e6577736c65747465723c2f6c693e0d0a3c2f756c3e0d0a3c70207374796c653d3344226d617267696e3a302030203138707820303b223e426974746520626573743d43333d4134746967656e20536965204968726520416e6d656c64756e67206d693d0d0a742065696e656d204b6c69636b206175662064696573656e204c696e6b3a3c2f703e0d0a3c70207374796c653d3344226d617267696e3a302030203138707820303b223e3c6120687265663d334422687474703a2f2f3132372e302e302e313a33383932332f636f6e6669726d2f303d0d0a37687869714161442d32424d554662464641686b65776e314a525f6c31787622207374796c653d334422646973706c61793a696e6c696e652d626c6f636b3b70616464696e673a313270783d0d0a20323270783b6261636b67726f756e642d636f6c6f723a236235313231623b636f6c6f723a236666666666663b746578742d6465636f726174696f6e3a6e6f6e653b666f6e742d776569673d0d0a68743a626f6c643b626f726465722d7261646975733a3470783b223e416e6d656c64756e6720626573743d43333d4134746967656e3c2f613e3c2f703e0d0a3c70207374796c653d3344226d617267696e3a302030203134707820303b666f6e742d73697a653a313370783b6c696e652d6865696768743a313970783b636f6c6f723a233562363637323d0d0a3b776f72642d627265616b3a627265616b2d616c6c3b223e3c6120687265663d334422687474703a2f2f3132372e302e302e313a33383932332f636f6e6669726d2f3037687869714161443d0d0a2d32424d554662464641686b65776e314a525f6c31787622207374796c653d334422636f6c6f723a233062353761343b223e687474703a2f2f3132372e302e302e313a33383932332f636f3d0d0a6e6669726d2f3037687869714161442d32424d554662464641686b65776e314a525f6c3178763c2f613e3c2f703e0d0a3c70207374796c653d3344226d617267696e3a302030203134707820303b666f6e742d73697a653a313470783b636f6c6f723a233363343735333b223e446572204c696e6b2069737420373d0d0a32205374756e64656e20673d43333d42436c7469672e2057656e6e205369652073696368206e6963687420616e67656d656c64657420686162656e2c2069676e6f72696572656e205369653d0d0a206469657365204d61696c2065696e666163683a206f686e6520426573743d43333d4134746967756e6720657268616c74656e20536965206e69636874732c20756e6420496872652041643d0d0a72657373652077697264206e616368203720546167656e2067656c3d43333d4236736368742e3c2f703e0d0a3c2f74643e3c2f74723e0d0a3c74723e3c7464207374796c653d33442270616464696e673a313670782032387078203234707820323870783b666f6e742d73697a653a313270783b6c696e652d6865696768743a3138703d0d0a783b636f6c6f723a233562363637323b6261636b67726f756e642d636f6c6f723a236637663866613b223e0d0a504b53204b6f6d6d756e696b6174696f6e732d20756e64205374726174656769656265726174756e6720476d62482c205265696e6861726474737472613d43333d3946652033342c2031303d0d0a313137204265726c696e203d43323d4237203c6120687265663d3344226d61696c746f3a6e6577736c6574746572406973612d706f7274616c2e646522207374796c653d334422636f6c6f3d0d0a723a233562363637323b223e6e6577736c6574746572406973612d706f7274616c2e64653c2f613e203d43323d4237203c6120687265663d33442268747470733a2f2f6973612d706f72743d0d0a616c2e64652f646174656e73636875747a22207374796c653d334422636f6c6f723a233562363637323b223e446174656e73636875747a65726b6c3d43333d413472756e673c2f613e0d0a3c2f74643e3c2f74723e0d0a3c2f7461626c653e0d0a3c2f74643e3c2f74723e0d0a3c2f7461626c653e0d0a3c2f626f64793e0d0a3c2f68746d6c3e0d0a0d0a2d2d3d5f6973616d61696c5f6437313463666333323964303762346136383235653863322d2d0d0a	sent	1	\N	250	2.0.0 OK queued	2026-12-02 18:11:43.428483+00	2026-12-02 18:11:43.435184+00
\.


--
-- Data for Name: send_run; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.send_run (id, edition_id, host, pid, started_at, heartbeat_at, finished_at) FROM stdin;
ccb54955b63ee7cc	1	vm	20411	2026-12-02 18:11:45.070152+00	2026-12-02 18:11:45.226664+00	2026-12-02 18:11:45.237678+00
b4b7bf1457790dcb	2	vm	20490	2026-12-02 18:11:46.475899+00	2026-12-02 18:11:46.51918+00	2026-12-02 18:11:46.531272+00
0d33c4dd911a8c65	2	vm	20493	2026-12-02 18:11:46.476544+00	2026-12-02 18:11:46.528399+00	2026-12-02 18:11:46.54033+00
05806561fd4e88a5	1	vm	20408	2026-12-02 18:11:45.069281+00	2026-12-02 18:11:45.069314+00	2026-12-02 18:11:45.092977+00
\.


--
-- Data for Name: subscriber; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.subscriber (id, email, email_key, name, language, organisation, city, country, attributes, state, created_at, updated_at) FROM stdin;
1	info@müller-gmbh.example	info@müller-gmbh.example	Jürgen Müller	de	Müller GmbH	Köln	DE	{}	active	2026-12-02 18:11:40.310104+00	2026-12-02 18:11:40.310104+00
2	kontakt@straße.example	kontakt@straße.example	Sören Straßer	de	Straßer Verkehrstechnik	Ingolstadt	DE	{}	active	2026-12-02 18:11:40.310104+00	2026-12-02 18:11:40.310104+00
3	vertrieb@bäckerei-schäfer.example	vertrieb@bäckerei-schäfer.example	Käthe Schäfer	de	Bäckerei Schäfer	Fulda	DE	{}	active	2026-12-02 18:11:40.310104+00	2026-12-02 18:11:40.310104+00
4	presse@kölner-wirtschaftsbote.example	presse@kölner-wirtschaftsbote.example		de	Kölner Wirtschaftsbote	Köln	DE	{}	active	2026-12-02 18:11:40.310104+00	2026-12-02 18:11:40.310104+00
5	china@göttinger-präzision.example	china@göttinger-präzision.example	Björn Köhler	en	Göttinger Präzision GmbH	Göttingen	DE	{}	active	2026-12-02 18:11:40.310104+00	2026-12-02 18:11:40.310104+00
6	export@schneidwaren-krüger.example	export@schneidwaren-krüger.example	Heike Krüger	de	Schneidwaren Krüger KG	Solingen	DE	{}	active	2026-12-02 18:11:40.310104+00	2026-12-02 18:11:40.310104+00
7	info@wirtschaftsförderung-lahr.example	info@wirtschaftsförderung-lahr.example	Özlem Dönmez	de	Wirtschaftsförderung Lahr	Lahr	DE	{}	active	2026-12-02 18:11:40.310104+00	2026-12-02 18:11:40.310104+00
8	buero@düren-glas.example.org	buero@düren-glas.example.org	Zoë van den Berg	en	Dürener Glaswerk AG	Kreis Düren	DE	{}	active	2026-12-02 18:11:40.310104+00	2026-12-02 18:11:40.310104+00
9	contact@佛山投资.example	contact@佛山投资.example	陈静	zh	佛山市投资促进局	Foshan	CN	{}	active	2026-12-02 18:11:40.310104+00	2026-12-02 18:11:40.310104+00
10	info@例子.example	info@例子.example	Eric Lin	en	Example Trading (Shenzhen) Co., Ltd.	Bao'an	CN	{}	active	2026-12-02 18:11:40.310104+00	2026-12-02 18:11:40.310104+00
11	office@宝安科技.example	office@宝安科技.example	Grace Huang	en	Bao'an Tech Park	Bao'an	CN	{}	active	2026-12-02 18:11:40.310104+00	2026-12-02 18:11:40.310104+00
12	service@中德合作.example.org	service@中德合作.example.org	Zhang Min	de	Sino-German Cooperation Office Taizhou	Taizhou	CN	{}	active	2026-12-02 18:11:40.310104+00	2026-12-02 18:11:40.310104+00
13	hello@洛阳重工.example.net	hello@洛阳重工.example.net	马超	zh	洛阳重工有限公司	Luoyang	CN	{}	active	2026-12-02 18:11:40.310104+00	2026-12-02 18:11:40.310104+00
14	王伟@例子.example	王伟@例子.example	王伟	zh	例子贸易有限公司	Nansha	CN	{}	active	2026-12-02 18:11:40.310104+00	2026-12-02 18:11:40.310104+00
15	李娜@佛山政府.example	李娜@佛山政府.example	李娜	zh	佛山市商务局	Foshan	CN	{}	active	2026-12-02 18:11:40.310104+00	2026-12-02 18:11:40.310104+00
16	张敏@foshan-gov.example	张敏@foshan-gov.example	张敏	zh	佛山市人民政府外事办公室	Foshan	CN	{}	active	2026-12-02 18:11:40.310104+00	2026-12-02 18:11:40.310104+00
17	刘洋@baoding-invest.example	刘洋@baoding-invest.example	刘洋 (Liu Yang)	zh	保定市投资促进局	Baoding	CN	{}	active	2026-12-02 18:11:40.310104+00	2026-12-02 18:11:40.310104+00
18	陈静@湖州商务.example	陈静@湖州商务.example	陈静	zh	湖州市商务局	Huzhou	CN	{}	active	2026-12-02 18:11:40.310104+00	2026-12-02 18:11:40.310104+00
19	黄磊@jiangmen-gov.example	黄磊@jiangmen-gov.example	HUANG Lei	en	Jiangmen Municipal Bureau of Commerce	Jiangmen	CN	{}	active	2026-12-02 18:11:40.310104+00	2026-12-02 18:11:40.310104+00
20	赵军@luoyang-invest.example.net	赵军@luoyang-invest.example.net	赵军	zh	洛阳市投资促进局	Luoyang	CN	{}	active	2026-12-02 18:11:40.310104+00	2026-12-02 18:11:40.310104+00
21	周杰@威海.example	周杰@威海.example	周杰	zh	威海市工业和信息化局	Weihai	CN	{}	active	2026-12-02 18:11:40.310104+00	2026-12-02 18:11:40.310104+00
22	欧阳慧@汕头玩具.example	欧阳慧@汕头玩具.example	欧阳慧	zh	汕头鑫源玩具有限公司	Shantou	CN	{}	active	2026-12-02 18:11:40.310104+00	2026-12-02 18:11:40.310104+00
23	jürgen.köhler@stadt-aachen.example	jürgen.köhler@stadt-aachen.example	Jürgen Köhler	de	Stadt Aachen	Aachen	DE	{}	active	2026-12-02 18:11:40.310104+00	2026-12-02 18:11:40.310104+00
24	björn.schäfer@müller-gmbh.example	björn.schäfer@müller-gmbh.example	Björn Schäfer	de	Müller GmbH	Köln	DE	{}	active	2026-12-02 18:11:40.310104+00	2026-12-02 18:11:40.310104+00
25	sören.groß@straße.example	sören.groß@straße.example	Sören Groß	de	Straßer Verkehrstechnik	Ingolstadt	DE	{}	active	2026-12-02 18:11:40.310104+00	2026-12-02 18:11:40.310104+00
26	Anna.Schmidt@wfg-aachen.example	anna.schmidt@wfg-aachen.example	Anna Schmidt	de	Wirtschaftsförderung Aachen GmbH	Aachen	DE	{}	active	2026-12-02 18:11:40.310104+00	2026-12-02 18:11:40.310104+00
27	Info@stadt-bottrop.example	info@stadt-bottrop.example		de	Stadt Bottrop	Bottrop	DE	{}	active	2026-12-02 18:11:40.310104+00	2026-12-02 18:11:40.310104+00
28	Li.Na@foshan-gov.example	li.na@foshan-gov.example	Li Na	en	Foshan Municipal Bureau of Commerce	Foshan	CN	{}	active	2026-12-02 18:11:40.310104+00	2026-12-02 18:11:40.310104+00
29	presse@wuppertal-wirtschaftsbote.example.com	presse@wuppertal-wirtschaftsbote.example.com	Lena Vogel	de	Wuppertaler Wirtschaftsbote	Wuppertal	DE	{}	active	2026-12-02 18:11:40.310104+00	2026-12-02 18:11:40.310104+00
30	KONTAKT@drei-gewinnt.example	kontakt@drei-gewinnt.example		de	Städtenetzwerk „Drei gewinnt“	Kelsterbach	DE	{}	active	2026-12-02 18:11:40.310104+00	2026-12-02 18:11:40.310104+00
31	Wang.Lei@baoan-invest.example	wang.lei@baoan-invest.example	Wang Lei	en	Bao'an District Investment Promotion Bureau	Bao'an	CN	{}	active	2026-12-02 18:11:40.310104+00	2026-12-02 18:11:40.310104+00
32	Marketing@shantou-toys.example.net	marketing@shantou-toys.example.net	Cindy Xie	en	Shantou Hongda Toys Co., Ltd.	Shantou	CN	{}	active	2026-12-02 18:11:40.310104+00	2026-12-02 18:11:40.310104+00
33	j.mueller@region-fulda.example.org	j.mueller@region-fulda.example.org	Jutta Müller	de	Wirtschaftsförderung Region Fulda GmbH	Fulda	DE	{}	active	2026-12-02 18:11:40.310104+00	2026-12-02 18:11:40.310104+00
34	Info@müller-bau.example	info@müller-bau.example		de	Müller Bau GmbH & Co. KG	Hildesheim	DE	{}	active	2026-12-02 18:11:40.310104+00	2026-12-02 18:11:40.310104+00
35	thomas.weber@wfg-mainz.example	thomas.weber@wfg-mainz.example	Thomas Weber	de	Wirtschaftsförderung Mainz GmbH	Mainz	DE	{}	active	2026-12-02 18:11:40.310104+00	2026-12-02 18:11:40.310104+00
36	m.hartmann@invest-nuernberg.example	m.hartmann@invest-nuernberg.example	Dr. Markus Hartmann	en	Nürnberg Invest – Gesellschaft für Wirtschaftsförderung mbH	Nürnberg	DE	{}	active	2026-12-02 18:11:40.310104+00	2026-12-02 18:11:40.310104+00
37	zhou.yan@nanning-gov.example	zhou.yan@nanning-gov.example	Zhou Yan	en	Nanning Municipal Bureau of Commerce	Nanning	CN	{}	active	2026-12-02 18:11:40.310104+00	2026-12-02 18:11:40.310104+00
38	deng.hao@sgpark-zhaoqing.example	deng.hao@sgpark-zhaoqing.example	邓浩	zh	肇庆中德产业园管委会	Zhaoqing	CN	{}	active	2026-12-02 18:11:40.310104+00	2026-12-02 18:11:40.310104+00
39	redaktion@asien-wirtschaft.example.net	redaktion@asien-wirtschaft.example.net		de	Fachdienst Asien-Wirtschaft	Hamburg	DE	{}	active	2026-12-02 18:11:40.310104+00	2026-12-02 18:11:40.310104+00
40	sun.ping@zhuzhou-kaida.example	sun.ping@zhuzhou-kaida.example	Sun Ping	en	Zhuzhou Kaida Rail Transit Equipment Co., Ltd.	Zhuzhou	CN	{}	active	2026-12-02 18:11:40.310104+00	2026-12-02 18:11:40.310104+00
41	s.klein@kreis-dueren-wirtschaftsbote.example	s.klein@kreis-dueren-wirtschaftsbote.example	Dr. Stefanie Klein	de	Dürener Wirtschaftsbote, Lokalredaktion	Kreis Düren	DE	{}	active	2026-12-02 18:11:40.824771+00	2026-12-02 18:11:40.824771+00
43	caojie@luoyang-herald.example	caojie@luoyang-herald.example	Jie Cao	en	Luoyang Business Herald	Luoyang	CN	{}	active	2026-12-02 18:11:40.824771+00	2026-12-02 18:11:40.824771+00
44	penglihua@zhaoqing-xinyuan.example	penglihua@zhaoqing-xinyuan.example	Peng Lihua	zh	肇庆鑫源生物医药有限公司	Zhaoqing	CN	{}	active	2026-12-02 18:11:40.824771+00	2026-12-02 18:11:40.824771+00
45	h.wolf@wirtschaft.wuppertal.example.org	h.wolf@wirtschaft.wuppertal.example.org	Hans-Jürgen Wolf	en	Stadt Wuppertal, Amt für Wirtschaftsförderung	Wuppertal	DE	{}	active	2026-12-02 18:11:40.824771+00	2026-12-02 18:11:40.824771+00
42	\N	\N		zh				{}	forgotten	2026-12-02 18:11:40.824771+00	2026-12-02 18:11:44.501616+00
46	zhou.chao@invest-jiaozuo.example	zhou.chao@invest-jiaozuo.example	Vivian Zhou	en	Jiaozuo Investment Promotion Bureau	Jiaozuo	CN	{}	active	2026-12-02 18:11:40.824771+00	2026-12-02 18:11:40.824771+00
47	huang.yang@sgpark-luoyang.example	huang.yang@sgpark-luoyang.example	HUANG Yang	en	Luoyang Sino-German Industrial Park Administrative Committee	Luoyang	CN	{}	active	2026-12-02 18:11:40.824771+00	2026-12-02 18:11:40.824771+00
48	meyer@drei-gewinnt.example	meyer@drei-gewinnt.example	Felix Meyer	de	Stadt Rüsselsheim, Wirtschaftsförderung „Drei gewinnt“	Rüsselsheim	DE	{}	active	2026-12-02 18:11:40.824771+00	2026-12-02 18:11:40.824771+00
49	refused@wfg-dortmund.example	refused@wfg-dortmund.example		de				{}	active	2026-12-02 18:11:41.322307+00	2026-12-02 18:11:41.322321+00
50	offen@stadt-zhaoqing.example	offen@stadt-zhaoqing.example		de				{}	active	2026-12-02 18:11:42.41673+00	2026-12-02 18:11:42.416745+00
51	leser@isa-web.example	leser@isa-web.example	Lea Leser	de				{}	active	2026-12-02 18:11:43.313792+00	2026-12-02 18:11:43.313806+00
52	wartet@isa-web.example	wartet@isa-web.example		de				{}	active	2026-12-02 18:11:43.421025+00	2026-12-02 18:11:43.421037+00
\.


--
-- Data for Name: subscription; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.subscription (id, subscriber_id, list_id, status, created_at, confirmed_at, unsubscribed_at, updated_at) FROM stdin;
1	1	1	confirmed	2026-12-02 18:11:40.310104+00	2026-12-02 18:11:40.310104+00	\N	2026-12-02 18:11:40.310104+00
3	3	1	confirmed	2026-12-02 18:11:40.310104+00	2026-12-02 18:11:40.310104+00	\N	2026-12-02 18:11:40.310104+00
4	4	1	confirmed	2026-12-02 18:11:40.310104+00	2026-12-02 18:11:40.310104+00	\N	2026-12-02 18:11:40.310104+00
5	5	1	confirmed	2026-12-02 18:11:40.310104+00	2026-12-02 18:11:40.310104+00	\N	2026-12-02 18:11:40.310104+00
6	6	1	confirmed	2026-12-02 18:11:40.310104+00	2026-12-02 18:11:40.310104+00	\N	2026-12-02 18:11:40.310104+00
7	7	1	confirmed	2026-12-02 18:11:40.310104+00	2026-12-02 18:11:40.310104+00	\N	2026-12-02 18:11:40.310104+00
8	8	1	confirmed	2026-12-02 18:11:40.310104+00	2026-12-02 18:11:40.310104+00	\N	2026-12-02 18:11:40.310104+00
9	9	1	confirmed	2026-12-02 18:11:40.310104+00	2026-12-02 18:11:40.310104+00	\N	2026-12-02 18:11:40.310104+00
10	10	1	confirmed	2026-12-02 18:11:40.310104+00	2026-12-02 18:11:40.310104+00	\N	2026-12-02 18:11:40.310104+00
11	11	1	confirmed	2026-12-02 18:11:40.310104+00	2026-12-02 18:11:40.310104+00	\N	2026-12-02 18:11:40.310104+00
12	12	1	confirmed	2026-12-02 18:11:40.310104+00	2026-12-02 18:11:40.310104+00	\N	2026-12-02 18:11:40.310104+00
13	13	1	confirmed	2026-12-02 18:11:40.310104+00	2026-12-02 18:11:40.310104+00	\N	2026-12-02 18:11:40.310104+00
14	14	1	confirmed	2026-12-02 18:11:40.310104+00	2026-12-02 18:11:40.310104+00	\N	2026-12-02 18:11:40.310104+00
15	15	1	confirmed	2026-12-02 18:11:40.310104+00	2026-12-02 18:11:40.310104+00	\N	2026-12-02 18:11:40.310104+00
16	16	1	confirmed	2026-12-02 18:11:40.310104+00	2026-12-02 18:11:40.310104+00	\N	2026-12-02 18:11:40.310104+00
17	17	1	confirmed	2026-12-02 18:11:40.310104+00	2026-12-02 18:11:40.310104+00	\N	2026-12-02 18:11:40.310104+00
18	18	1	confirmed	2026-12-02 18:11:40.310104+00	2026-12-02 18:11:40.310104+00	\N	2026-12-02 18:11:40.310104+00
19	19	1	confirmed	2026-12-02 18:11:40.310104+00	2026-12-02 18:11:40.310104+00	\N	2026-12-02 18:11:40.310104+00
20	20	1	confirmed	2026-12-02 18:11:40.310104+00	2026-12-02 18:11:40.310104+00	\N	2026-12-02 18:11:40.310104+00
21	21	1	confirmed	2026-12-02 18:11:40.310104+00	2026-12-02 18:11:40.310104+00	\N	2026-12-02 18:11:40.310104+00
22	22	1	confirmed	2026-12-02 18:11:40.310104+00	2026-12-02 18:11:40.310104+00	\N	2026-12-02 18:11:40.310104+00
23	23	1	confirmed	2026-12-02 18:11:40.310104+00	2026-12-02 18:11:40.310104+00	\N	2026-12-02 18:11:40.310104+00
24	24	1	confirmed	2026-12-02 18:11:40.310104+00	2026-12-02 18:11:40.310104+00	\N	2026-12-02 18:11:40.310104+00
25	25	1	confirmed	2026-12-02 18:11:40.310104+00	2026-12-02 18:11:40.310104+00	\N	2026-12-02 18:11:40.310104+00
26	26	1	confirmed	2026-12-02 18:11:40.310104+00	2026-12-02 18:11:40.310104+00	\N	2026-12-02 18:11:40.310104+00
29	29	1	confirmed	2026-12-02 18:11:40.310104+00	2026-12-02 18:11:40.310104+00	\N	2026-12-02 18:11:40.310104+00
31	31	1	confirmed	2026-12-02 18:11:40.310104+00	2026-12-02 18:11:40.310104+00	\N	2026-12-02 18:11:40.310104+00
32	32	1	confirmed	2026-12-02 18:11:40.310104+00	2026-12-02 18:11:40.310104+00	\N	2026-12-02 18:11:40.310104+00
33	33	1	confirmed	2026-12-02 18:11:40.310104+00	2026-12-02 18:11:40.310104+00	\N	2026-12-02 18:11:40.310104+00
34	34	1	confirmed	2026-12-02 18:11:40.310104+00	2026-12-02 18:11:40.310104+00	\N	2026-12-02 18:11:40.310104+00
35	35	1	confirmed	2026-12-02 18:11:40.310104+00	2026-12-02 18:11:40.310104+00	\N	2026-12-02 18:11:40.310104+00
36	36	1	confirmed	2026-12-02 18:11:40.310104+00	2026-12-02 18:11:40.310104+00	\N	2026-12-02 18:11:40.310104+00
37	37	1	confirmed	2026-12-02 18:11:40.310104+00	2026-12-02 18:11:40.310104+00	\N	2026-12-02 18:11:40.310104+00
38	38	1	confirmed	2026-12-02 18:11:40.310104+00	2026-12-02 18:11:40.310104+00	\N	2026-12-02 18:11:40.310104+00
39	39	1	confirmed	2026-12-02 18:11:40.310104+00	2026-12-02 18:11:40.310104+00	\N	2026-12-02 18:11:40.310104+00
40	40	1	confirmed	2026-12-02 18:11:40.310104+00	2026-12-02 18:11:40.310104+00	\N	2026-12-02 18:11:40.310104+00
41	41	2	confirmed	2026-12-02 18:11:40.824771+00	2026-12-02 18:11:40.824771+00	\N	2026-12-02 18:11:40.824771+00
43	43	2	confirmed	2026-12-02 18:11:40.824771+00	2026-12-02 18:11:40.824771+00	\N	2026-12-02 18:11:40.824771+00
44	44	2	confirmed	2026-12-02 18:11:40.824771+00	2026-12-02 18:11:40.824771+00	\N	2026-12-02 18:11:40.824771+00
45	45	2	confirmed	2026-12-02 18:11:40.824771+00	2026-12-02 18:11:40.824771+00	\N	2026-12-02 18:11:40.824771+00
46	46	2	confirmed	2026-12-02 18:11:40.824771+00	2026-12-02 18:11:40.824771+00	\N	2026-12-02 18:11:40.824771+00
47	47	2	confirmed	2026-12-02 18:11:40.824771+00	2026-12-02 18:11:40.824771+00	\N	2026-12-02 18:11:40.824771+00
48	48	2	confirmed	2026-12-02 18:11:40.824771+00	2026-12-02 18:11:40.824771+00	\N	2026-12-02 18:11:40.824771+00
49	49	1	confirmed	2026-12-02 18:11:41.326337+00	2026-12-02 18:11:41.307747+00	\N	2026-12-02 18:11:41.307747+00
50	1	2	confirmed	2026-12-02 18:11:41.833812+00	2026-12-02 18:11:41.817506+00	\N	2026-12-02 18:11:41.817506+00
51	50	1	pending	2026-12-02 18:11:42.422505+00	\N	\N	2026-12-02 18:11:42.408789+00
52	51	1	confirmed	2026-12-02 18:11:43.317549+00	2026-12-02 18:11:43.399215+00	\N	2026-12-02 18:11:43.399215+00
53	52	1	pending	2026-12-02 18:11:43.42275+00	\N	\N	2026-12-02 18:11:43.419159+00
2	2	1	unsubscribed	2026-12-02 18:11:40.310104+00	2026-12-02 18:11:40.310104+00	2026-12-02 18:11:43.985101+00	2026-12-02 18:11:43.985101+00
42	42	2	unsubscribed	2026-12-02 18:11:40.824771+00	2026-12-02 18:11:40.824771+00	2026-12-02 18:11:44.487533+00	2026-12-02 18:11:44.487533+00
27	27	1	bounced	2026-12-02 18:11:40.310104+00	2026-12-02 18:11:40.310104+00	2026-12-02 18:11:45.839123+00	2026-12-02 18:11:45.839123+00
30	30	1	unsubscribed	2026-12-02 18:11:40.310104+00	2026-12-02 18:11:40.310104+00	2026-12-02 18:11:45.86858+00	2026-12-02 18:11:45.86858+00
28	28	1	unsubscribed	2026-12-02 18:11:40.310104+00	2026-12-02 18:11:40.310104+00	2026-12-02 18:11:45.900168+00	2026-12-02 18:11:45.900168+00
\.


--
-- Data for Name: suppression; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.suppression (id, email_hash, list_id, reason, created_at) FROM stdin;
1	9d75d0657e0be2e7acedba826b387701b052e3fd23e439d3373f23a077ff3ede	\N	unsubscribed	2026-12-02 18:11:43.994582+00
2	0ae862ed9ae3572f0f47eaf0092c08d16b4a17628e98c40d40fccaa91955d578	\N	unsubscribed	2026-12-02 18:11:44.496113+00
3	9d2875c575ced530f06f45b828daa011880cd76510af621d9ab7f9e801a48fa3	\N	bounced	2026-12-02 18:11:45.848034+00
4	b27f1c9c8a5071d04ab2009893e68c5b87602200c5617693f9591c9cb160e69c	\N	complaint	2026-12-02 18:11:45.871185+00
5	d74b315c397a93513719c4f5c5b9ce602e31e1871635db4e5001c1edd88fd860	1	unsubscribed	2026-12-02 18:11:45.905115+00
\.


--
-- Name: bounce_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.bounce_id_seq', 3, true);


--
-- Name: confirm_token_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.confirm_token_id_seq', 3, true);


--
-- Name: consent_event_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.consent_event_id_seq', 60, true);


--
-- Name: delivery_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.delivery_id_seq', 86, true);


--
-- Name: edition_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.edition_id_seq', 2, true);


--
-- Name: mailing_list_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.mailing_list_id_seq', 2, true);


--
-- Name: outgoing_mail_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.outgoing_mail_id_seq', 3, true);


--
-- Name: subscriber_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.subscriber_id_seq', 52, true);


--
-- Name: subscription_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.subscription_id_seq', 53, true);


--
-- Name: suppression_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.suppression_id_seq', 5, true);


--
-- Name: alembic_version alembic_version_pkc; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.alembic_version
    ADD CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num);


--
-- Name: bounce bounce_digest_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.bounce
    ADD CONSTRAINT bounce_digest_key UNIQUE (digest);


--
-- Name: bounce bounce_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.bounce
    ADD CONSTRAINT bounce_pkey PRIMARY KEY (id);


--
-- Name: confirm_token confirm_token_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.confirm_token
    ADD CONSTRAINT confirm_token_pkey PRIMARY KEY (id);


--
-- Name: confirm_token confirm_token_token_hash_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.confirm_token
    ADD CONSTRAINT confirm_token_token_hash_key UNIQUE (token_hash);


--
-- Name: consent_event consent_event_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.consent_event
    ADD CONSTRAINT consent_event_pkey PRIMARY KEY (id);


--
-- Name: delivery delivery_edition_id_subscriber_id_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.delivery
    ADD CONSTRAINT delivery_edition_id_subscriber_id_key UNIQUE (edition_id, subscriber_id);


--
-- Name: delivery delivery_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.delivery
    ADD CONSTRAINT delivery_pkey PRIMARY KEY (id);


--
-- Name: edition edition_issue_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.edition
    ADD CONSTRAINT edition_issue_key UNIQUE (issue);


--
-- Name: edition edition_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.edition
    ADD CONSTRAINT edition_pkey PRIMARY KEY (id);


--
-- Name: mailing_list mailing_list_name_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.mailing_list
    ADD CONSTRAINT mailing_list_name_key UNIQUE (name);


--
-- Name: mailing_list mailing_list_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.mailing_list
    ADD CONSTRAINT mailing_list_pkey PRIMARY KEY (id);


--
-- Name: outgoing_mail outgoing_mail_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.outgoing_mail
    ADD CONSTRAINT outgoing_mail_pkey PRIMARY KEY (id);


--
-- Name: send_run send_run_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.send_run
    ADD CONSTRAINT send_run_pkey PRIMARY KEY (id);


--
-- Name: subscriber subscriber_email_key_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.subscriber
    ADD CONSTRAINT subscriber_email_key_key UNIQUE (email_key);


--
-- Name: subscriber subscriber_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.subscriber
    ADD CONSTRAINT subscriber_pkey PRIMARY KEY (id);


--
-- Name: subscription subscription_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.subscription
    ADD CONSTRAINT subscription_pkey PRIMARY KEY (id);


--
-- Name: subscription subscription_subscriber_id_list_id_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.subscription
    ADD CONSTRAINT subscription_subscriber_id_list_id_key UNIQUE (subscriber_id, list_id);


--
-- Name: suppression suppression_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.suppression
    ADD CONSTRAINT suppression_pkey PRIMARY KEY (id);


--
-- Name: suppression uq_suppression_hash_list; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.suppression
    ADD CONSTRAINT uq_suppression_hash_list UNIQUE (email_hash, list_id);


--
-- Name: ix_bounce_delivery_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_bounce_delivery_id ON public.bounce USING btree (delivery_id);


--
-- Name: ix_bounce_subscriber_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_bounce_subscriber_id ON public.bounce USING btree (subscriber_id);


--
-- Name: ix_confirm_token_subscription_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_confirm_token_subscription_id ON public.confirm_token USING btree (subscription_id);


--
-- Name: ix_consent_event_left; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_consent_event_left ON public.consent_event USING btree (subscriber_id, at) WHERE ((kind)::text = ANY ((ARRAY['unsubscribed'::character varying, 'complaint'::character varying])::text[]));


--
-- Name: ix_consent_event_subscriber_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_consent_event_subscriber_id ON public.consent_event USING btree (subscriber_id);


--
-- Name: ix_delivery_claim; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_delivery_claim ON public.delivery USING btree (edition_id, status, id);


--
-- Name: ix_delivery_duplicate_list; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_delivery_duplicate_list ON public.delivery USING btree (edition_id, possibly_duplicate, list_id);


--
-- Name: ix_delivery_edition_sent; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_delivery_edition_sent ON public.delivery USING btree (edition_id, sent_at);


--
-- Name: ix_delivery_report; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_delivery_report ON public.delivery USING btree (edition_id, status, bounce_kind, list_id, possibly_duplicate, subscriber_id);


--
-- Name: ix_delivery_run_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_delivery_run_id ON public.delivery USING btree (run_id);


--
-- Name: ix_delivery_subscriber_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_delivery_subscriber_id ON public.delivery USING btree (subscriber_id);


--
-- Name: ix_outgoing_mail_status; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_outgoing_mail_status ON public.outgoing_mail USING btree (status);


--
-- Name: ix_outgoing_mail_subscriber_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_outgoing_mail_subscriber_id ON public.outgoing_mail USING btree (subscriber_id);


--
-- Name: ix_subscription_list_status; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_subscription_list_status ON public.subscription USING btree (list_id, status);


--
-- Name: ix_suppression_email_hash; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_suppression_email_hash ON public.suppression USING btree (email_hash);


--
-- Name: bounce bounce_delivery_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.bounce
    ADD CONSTRAINT bounce_delivery_id_fkey FOREIGN KEY (delivery_id) REFERENCES public.delivery(id) ON DELETE SET NULL;


--
-- Name: bounce bounce_subscriber_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.bounce
    ADD CONSTRAINT bounce_subscriber_id_fkey FOREIGN KEY (subscriber_id) REFERENCES public.subscriber(id) ON DELETE SET NULL;


--
-- Name: confirm_token confirm_token_subscription_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.confirm_token
    ADD CONSTRAINT confirm_token_subscription_id_fkey FOREIGN KEY (subscription_id) REFERENCES public.subscription(id) ON DELETE CASCADE;


--
-- Name: consent_event consent_event_list_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.consent_event
    ADD CONSTRAINT consent_event_list_id_fkey FOREIGN KEY (list_id) REFERENCES public.mailing_list(id);


--
-- Name: consent_event consent_event_subscriber_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.consent_event
    ADD CONSTRAINT consent_event_subscriber_id_fkey FOREIGN KEY (subscriber_id) REFERENCES public.subscriber(id);


--
-- Name: delivery delivery_edition_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.delivery
    ADD CONSTRAINT delivery_edition_id_fkey FOREIGN KEY (edition_id) REFERENCES public.edition(id) ON DELETE CASCADE;


--
-- Name: delivery delivery_list_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.delivery
    ADD CONSTRAINT delivery_list_id_fkey FOREIGN KEY (list_id) REFERENCES public.mailing_list(id) ON DELETE SET NULL;


--
-- Name: delivery delivery_subscriber_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.delivery
    ADD CONSTRAINT delivery_subscriber_id_fkey FOREIGN KEY (subscriber_id) REFERENCES public.subscriber(id) ON DELETE CASCADE;


--
-- Name: delivery delivery_subscription_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.delivery
    ADD CONSTRAINT delivery_subscription_id_fkey FOREIGN KEY (subscription_id) REFERENCES public.subscription(id) ON DELETE SET NULL;


--
-- Name: outgoing_mail outgoing_mail_subscriber_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.outgoing_mail
    ADD CONSTRAINT outgoing_mail_subscriber_id_fkey FOREIGN KEY (subscriber_id) REFERENCES public.subscriber(id) ON DELETE CASCADE;


--
-- Name: send_run send_run_edition_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.send_run
    ADD CONSTRAINT send_run_edition_id_fkey FOREIGN KEY (edition_id) REFERENCES public.edition(id) ON DELETE CASCADE;


--
-- Name: subscription subscription_list_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.subscription
    ADD CONSTRAINT subscription_list_id_fkey FOREIGN KEY (list_id) REFERENCES public.mailing_list(id) ON DELETE CASCADE;


--
-- Name: subscription subscription_subscriber_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.subscription
    ADD CONSTRAINT subscription_subscriber_id_fkey FOREIGN KEY (subscriber_id) REFERENCES public.subscriber(id) ON DELETE CASCADE;


--
-- Name: suppression suppression_list_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.suppression
    ADD CONSTRAINT suppression_list_id_fkey FOREIGN KEY (list_id) REFERENCES public.mailing_list(id) ON DELETE CASCADE;


--
-- PostgreSQL database dump complete
--

\unrestrict LJhi3rRbNt5O4vmaIN9QeRzGIurVJLrnXkYHd4sLaz36237VswM5pLi9xALqfXp

