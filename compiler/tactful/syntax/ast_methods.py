"""The AST node classes' __init__, `at`, __eq__ and __hash__: written by tactful.syntax.ast.methods_module()
from the node classes, do not edit (see ast._inits; tests/syntax/test_ast_methods.py says when it is out of date).
Its functions read the slot setters and classes that ast._inits puts in this module's namespace.
"""
# ruff: noqa

SOURCE_CRC = 2889341144


def _init_Node(self, *, src=None, start=0, end=0):
    _s_Node_src(self, src)
    _s_Node_start(self, start)
    _s_Node_end(self, end)


def _at_Node(src, start, end):
    self = _new(_cls_Node)
    _s_Node_src(self, src)
    _s_Node_start(self, start)
    _s_Node_end(self, end)
    return self


def _init_Name(self, value, *, src=None, start=0, end=0):
    _s_Name_src(self, src)
    _s_Name_start(self, start)
    _s_Name_end(self, end)
    _s_Name_value(self, value)


def _at_Name(src, start, end, value):
    self = _new(_cls_Name)
    _s_Name_src(self, src)
    _s_Name_start(self, start)
    _s_Name_end(self, end)
    _s_Name_value(self, value)
    return self


def _eq_Name(self, other):
    if other.__class__ is self.__class__:
        return (self.value,) == (other.value,)
    return NotImplemented


def _hash_Name(self):
    return hash((self.value,))


def _init_Comment(self, text, *, src=None, start=0, end=0):
    _s_Comment_src(self, src)
    _s_Comment_start(self, start)
    _s_Comment_end(self, end)
    _s_Comment_text(self, text)


def _at_Comment(src, start, end, text):
    self = _new(_cls_Comment)
    _s_Comment_src(self, src)
    _s_Comment_start(self, start)
    _s_Comment_end(self, end)
    _s_Comment_text(self, text)
    return self


def _eq_Comment(self, other):
    if other.__class__ is self.__class__:
        return (self.text,) == (other.text,)
    return NotImplemented


def _hash_Comment(self):
    return hash((self.text,))


def _init_Junk(self, text, *, src=None, start=0, end=0):
    _s_Junk_src(self, src)
    _s_Junk_start(self, start)
    _s_Junk_end(self, end)
    _s_Junk_text(self, text)


def _at_Junk(src, start, end, text):
    self = _new(_cls_Junk)
    _s_Junk_src(self, src)
    _s_Junk_start(self, start)
    _s_Junk_end(self, end)
    _s_Junk_text(self, text)
    return self


def _eq_Junk(self, other):
    if other.__class__ is self.__class__:
        return (self.text,) == (other.text,)
    return NotImplemented


def _hash_Junk(self):
    return hash((self.text,))


def _init_TextLiteral(self, text, *, src=None, start=0, end=0):
    _s_TextLiteral_src(self, src)
    _s_TextLiteral_start(self, start)
    _s_TextLiteral_end(self, end)
    _s_TextLiteral_text(self, text)


def _at_TextLiteral(src, start, end, text):
    self = _new(_cls_TextLiteral)
    _s_TextLiteral_src(self, src)
    _s_TextLiteral_start(self, start)
    _s_TextLiteral_end(self, end)
    _s_TextLiteral_text(self, text)
    return self


def _eq_TextLiteral(self, other):
    if other.__class__ is self.__class__:
        return (self.text,) == (other.text,)
    return NotImplemented


def _hash_TextLiteral(self):
    return hash((self.text,))


def _init_TextSlot(self, name, fallback=None, *, src=None, start=0, end=0):
    _s_TextSlot_src(self, src)
    _s_TextSlot_start(self, start)
    _s_TextSlot_end(self, end)
    _s_TextSlot_name(self, name)
    _s_TextSlot_fallback(self, fallback)


def _at_TextSlot(src, start, end, name, fallback):
    self = _new(_cls_TextSlot)
    _s_TextSlot_src(self, src)
    _s_TextSlot_start(self, start)
    _s_TextSlot_end(self, end)
    _s_TextSlot_name(self, name)
    _s_TextSlot_fallback(self, fallback)
    return self


def _eq_TextSlot(self, other):
    if other.__class__ is self.__class__:
        return (self.name,self.fallback,) == (other.name,other.fallback,)
    return NotImplemented


def _hash_TextSlot(self):
    return hash((self.name,self.fallback,))


def _init_TextOptional(self, parts, *, src=None, start=0, end=0):
    _s_TextOptional_src(self, src)
    _s_TextOptional_start(self, start)
    _s_TextOptional_end(self, end)
    _s_TextOptional_parts(self, parts)


def _at_TextOptional(src, start, end, parts):
    self = _new(_cls_TextOptional)
    _s_TextOptional_src(self, src)
    _s_TextOptional_start(self, start)
    _s_TextOptional_end(self, end)
    _s_TextOptional_parts(self, parts)
    return self


def _eq_TextOptional(self, other):
    if other.__class__ is self.__class__:
        return (self.parts,) == (other.parts,)
    return NotImplemented


def _hash_TextOptional(self):
    return hash((self.parts,))


def _init_Text(self, value, _pieces, *, src=None, start=0, end=0):
    _s_Text_src(self, src)
    _s_Text_start(self, start)
    _s_Text_end(self, end)
    _s_Text_value(self, value)
    _s_Text__pieces(self, _pieces)


def _at_Text(src, start, end, value, _pieces):
    self = _new(_cls_Text)
    _s_Text_src(self, src)
    _s_Text_start(self, start)
    _s_Text_end(self, end)
    _s_Text_value(self, value)
    _s_Text__pieces(self, _pieces)
    return self


def _init_Regex(self, pattern, *, src=None, start=0, end=0):
    _s_Regex_src(self, src)
    _s_Regex_start(self, start)
    _s_Regex_end(self, end)
    _s_Regex_pattern(self, pattern)


def _at_Regex(src, start, end, pattern):
    self = _new(_cls_Regex)
    _s_Regex_src(self, src)
    _s_Regex_start(self, start)
    _s_Regex_end(self, end)
    _s_Regex_pattern(self, pattern)
    return self


def _eq_Regex(self, other):
    if other.__class__ is self.__class__:
        return (self.pattern,) == (other.pattern,)
    return NotImplemented


def _hash_Regex(self):
    return hash((self.pattern,))


def _init_Or(self, items, *, src=None, start=0, end=0):
    _s_Or_src(self, src)
    _s_Or_start(self, start)
    _s_Or_end(self, end)
    _s_Or_items(self, items)


def _at_Or(src, start, end, items):
    self = _new(_cls_Or)
    _s_Or_src(self, src)
    _s_Or_start(self, start)
    _s_Or_end(self, end)
    _s_Or_items(self, items)
    return self


def _eq_Or(self, other):
    if other.__class__ is self.__class__:
        return (self.items,) == (other.items,)
    return NotImplemented


def _hash_Or(self):
    return hash((self.items,))


def _init_And(self, items, *, src=None, start=0, end=0):
    _s_And_src(self, src)
    _s_And_start(self, start)
    _s_And_end(self, end)
    _s_And_items(self, items)


def _at_And(src, start, end, items):
    self = _new(_cls_And)
    _s_And_src(self, src)
    _s_And_start(self, start)
    _s_And_end(self, end)
    _s_And_items(self, items)
    return self


def _eq_And(self, other):
    if other.__class__ is self.__class__:
        return (self.items,) == (other.items,)
    return NotImplemented


def _hash_And(self):
    return hash((self.items,))


def _init_Not(self, item, *, src=None, start=0, end=0):
    _s_Not_src(self, src)
    _s_Not_start(self, start)
    _s_Not_end(self, end)
    _s_Not_item(self, item)


def _at_Not(src, start, end, item):
    self = _new(_cls_Not)
    _s_Not_src(self, src)
    _s_Not_start(self, start)
    _s_Not_end(self, end)
    _s_Not_item(self, item)
    return self


def _eq_Not(self, other):
    if other.__class__ is self.__class__:
        return (self.item,) == (other.item,)
    return NotImplemented


def _hash_Not(self):
    return hash((self.item,))


def _init_AtLeast(self, count, items, *, src=None, start=0, end=0):
    _s_AtLeast_src(self, src)
    _s_AtLeast_start(self, start)
    _s_AtLeast_end(self, end)
    _s_AtLeast_count(self, count)
    _s_AtLeast_items(self, items)


def _at_AtLeast(src, start, end, count, items):
    self = _new(_cls_AtLeast)
    _s_AtLeast_src(self, src)
    _s_AtLeast_start(self, start)
    _s_AtLeast_end(self, end)
    _s_AtLeast_count(self, count)
    _s_AtLeast_items(self, items)
    return self


def _eq_AtLeast(self, other):
    if other.__class__ is self.__class__:
        return (self.count,self.items,) == (other.count,other.items,)
    return NotImplemented


def _hash_AtLeast(self):
    return hash((self.count,self.items,))


def _init_NameCond(self, name, *, src=None, start=0, end=0):
    _s_NameCond_src(self, src)
    _s_NameCond_start(self, start)
    _s_NameCond_end(self, end)
    _s_NameCond_name(self, name)


def _at_NameCond(src, start, end, name):
    self = _new(_cls_NameCond)
    _s_NameCond_src(self, src)
    _s_NameCond_start(self, start)
    _s_NameCond_end(self, end)
    _s_NameCond_name(self, name)
    return self


def _eq_NameCond(self, other):
    if other.__class__ is self.__class__:
        return (self.name,) == (other.name,)
    return NotImplemented


def _hash_NameCond(self):
    return hash((self.name,))


def _init_Mentions(self, field, phrases, forms=False, near=(), near_forms=False, within=None, asserted=False, *, src=None, start=0, end=0):
    _s_Mentions_src(self, src)
    _s_Mentions_start(self, start)
    _s_Mentions_end(self, end)
    _s_Mentions_field(self, field)
    _s_Mentions_phrases(self, phrases)
    _s_Mentions_forms(self, forms)
    _s_Mentions_near(self, near)
    _s_Mentions_near_forms(self, near_forms)
    _s_Mentions_within(self, within)
    _s_Mentions_asserted(self, asserted)


def _at_Mentions(src, start, end, field, phrases, forms, near, near_forms, within, asserted):
    self = _new(_cls_Mentions)
    _s_Mentions_src(self, src)
    _s_Mentions_start(self, start)
    _s_Mentions_end(self, end)
    _s_Mentions_field(self, field)
    _s_Mentions_phrases(self, phrases)
    _s_Mentions_forms(self, forms)
    _s_Mentions_near(self, near)
    _s_Mentions_near_forms(self, near_forms)
    _s_Mentions_within(self, within)
    _s_Mentions_asserted(self, asserted)
    return self


def _eq_Mentions(self, other):
    if other.__class__ is self.__class__:
        return (self.field,self.phrases,self.forms,self.near,self.near_forms,self.within,self.asserted,) == (other.field,other.phrases,other.forms,other.near,other.near_forms,other.within,other.asserted,)
    return NotImplemented


def _hash_Mentions(self):
    return hash((self.field,self.phrases,self.forms,self.near,self.near_forms,self.within,self.asserted,))


def _init_HasEmoji(self, field, emoji, *, src=None, start=0, end=0):
    _s_HasEmoji_src(self, src)
    _s_HasEmoji_start(self, start)
    _s_HasEmoji_end(self, end)
    _s_HasEmoji_field(self, field)
    _s_HasEmoji_emoji(self, emoji)


def _at_HasEmoji(src, start, end, field, emoji):
    self = _new(_cls_HasEmoji)
    _s_HasEmoji_src(self, src)
    _s_HasEmoji_start(self, start)
    _s_HasEmoji_end(self, end)
    _s_HasEmoji_field(self, field)
    _s_HasEmoji_emoji(self, emoji)
    return self


def _eq_HasEmoji(self, other):
    if other.__class__ is self.__class__:
        return (self.field,self.emoji,) == (other.field,other.emoji,)
    return NotImplemented


def _hash_HasEmoji(self):
    return hash((self.field,self.emoji,))


def _init_Scores(self, field, at_least, scorer, *, src=None, start=0, end=0):
    _s_Scores_src(self, src)
    _s_Scores_start(self, start)
    _s_Scores_end(self, end)
    _s_Scores_field(self, field)
    _s_Scores_at_least(self, at_least)
    _s_Scores_scorer(self, scorer)


def _at_Scores(src, start, end, field, at_least, scorer):
    self = _new(_cls_Scores)
    _s_Scores_src(self, src)
    _s_Scores_start(self, start)
    _s_Scores_end(self, end)
    _s_Scores_field(self, field)
    _s_Scores_at_least(self, at_least)
    _s_Scores_scorer(self, scorer)
    return self


def _eq_Scores(self, other):
    if other.__class__ is self.__class__:
        return (self.field,self.at_least,self.scorer,) == (other.field,other.at_least,other.scorer,)
    return NotImplemented


def _hash_Scores(self):
    return hash((self.field,self.at_least,self.scorer,))


def _init_Matches(self, field, regex, *, src=None, start=0, end=0):
    _s_Matches_src(self, src)
    _s_Matches_start(self, start)
    _s_Matches_end(self, end)
    _s_Matches_field(self, field)
    _s_Matches_regex(self, regex)


def _at_Matches(src, start, end, field, regex):
    self = _new(_cls_Matches)
    _s_Matches_src(self, src)
    _s_Matches_start(self, start)
    _s_Matches_end(self, end)
    _s_Matches_field(self, field)
    _s_Matches_regex(self, regex)
    return self


def _eq_Matches(self, other):
    if other.__class__ is self.__class__:
        return (self.field,self.regex,) == (other.field,other.regex,)
    return NotImplemented


def _hash_Matches(self):
    return hash((self.field,self.regex,))


def _init_Compare(self, field, op, value, *, src=None, start=0, end=0):
    _s_Compare_src(self, src)
    _s_Compare_start(self, start)
    _s_Compare_end(self, end)
    _s_Compare_field(self, field)
    _s_Compare_op(self, op)
    _s_Compare_value(self, value)


def _at_Compare(src, start, end, field, op, value):
    self = _new(_cls_Compare)
    _s_Compare_src(self, src)
    _s_Compare_start(self, start)
    _s_Compare_end(self, end)
    _s_Compare_field(self, field)
    _s_Compare_op(self, op)
    _s_Compare_value(self, value)
    return self


def _eq_Compare(self, other):
    if other.__class__ is self.__class__:
        return (self.field,self.op,self.value,) == (other.field,other.op,other.value,)
    return NotImplemented


def _hash_Compare(self):
    return hash((self.field,self.op,self.value,))


def _init_Is(self, field, value, *, src=None, start=0, end=0):
    _s_Is_src(self, src)
    _s_Is_start(self, start)
    _s_Is_end(self, end)
    _s_Is_field(self, field)
    _s_Is_value(self, value)


def _at_Is(src, start, end, field, value):
    self = _new(_cls_Is)
    _s_Is_src(self, src)
    _s_Is_start(self, start)
    _s_Is_end(self, end)
    _s_Is_field(self, field)
    _s_Is_value(self, value)
    return self


def _eq_Is(self, other):
    if other.__class__ is self.__class__:
        return (self.field,self.value,) == (other.field,other.value,)
    return NotImplemented


def _hash_Is(self):
    return hash((self.field,self.value,))


def _init_In(self, field, values, *, src=None, start=0, end=0):
    _s_In_src(self, src)
    _s_In_start(self, start)
    _s_In_end(self, end)
    _s_In_field(self, field)
    _s_In_values(self, values)


def _at_In(src, start, end, field, values):
    self = _new(_cls_In)
    _s_In_src(self, src)
    _s_In_start(self, start)
    _s_In_end(self, end)
    _s_In_field(self, field)
    _s_In_values(self, values)
    return self


def _eq_In(self, other):
    if other.__class__ is self.__class__:
        return (self.field,self.values,) == (other.field,other.values,)
    return NotImplemented


def _hash_In(self):
    return hash((self.field,self.values,))


def _init_Use(self, module, *, src=None, start=0, end=0):
    _s_Use_src(self, src)
    _s_Use_start(self, start)
    _s_Use_end(self, end)
    _s_Use_module(self, module)


def _at_Use(src, start, end, module):
    self = _new(_cls_Use)
    _s_Use_src(self, src)
    _s_Use_start(self, start)
    _s_Use_end(self, end)
    _s_Use_module(self, module)
    return self


def _eq_Use(self, other):
    if other.__class__ is self.__class__:
        return (self.module,) == (other.module,)
    return NotImplemented


def _hash_Use(self):
    return hash((self.module,))


def _init_TeamDecl(self, name, title=None, *, src=None, start=0, end=0):
    _s_TeamDecl_src(self, src)
    _s_TeamDecl_start(self, start)
    _s_TeamDecl_end(self, end)
    _s_TeamDecl_name(self, name)
    _s_TeamDecl_title(self, title)


def _at_TeamDecl(src, start, end, name, title):
    self = _new(_cls_TeamDecl)
    _s_TeamDecl_src(self, src)
    _s_TeamDecl_start(self, start)
    _s_TeamDecl_end(self, end)
    _s_TeamDecl_name(self, name)
    _s_TeamDecl_title(self, title)
    return self


def _eq_TeamDecl(self, other):
    if other.__class__ is self.__class__:
        return (self.name,self.title,) == (other.name,other.title,)
    return NotImplemented


def _hash_TeamDecl(self):
    return hash((self.name,self.title,))


def _init_ChannelDecl(self, name, visibilities, title=None, *, src=None, start=0, end=0):
    _s_ChannelDecl_src(self, src)
    _s_ChannelDecl_start(self, start)
    _s_ChannelDecl_end(self, end)
    _s_ChannelDecl_name(self, name)
    _s_ChannelDecl_visibilities(self, visibilities)
    _s_ChannelDecl_title(self, title)


def _at_ChannelDecl(src, start, end, name, visibilities, title):
    self = _new(_cls_ChannelDecl)
    _s_ChannelDecl_src(self, src)
    _s_ChannelDecl_start(self, start)
    _s_ChannelDecl_end(self, end)
    _s_ChannelDecl_name(self, name)
    _s_ChannelDecl_visibilities(self, visibilities)
    _s_ChannelDecl_title(self, title)
    return self


def _eq_ChannelDecl(self, other):
    if other.__class__ is self.__class__:
        return (self.name,self.visibilities,self.title,) == (other.name,other.visibilities,other.title,)
    return NotImplemented


def _hash_ChannelDecl(self):
    return hash((self.name,self.visibilities,self.title,))


def _init_TypeRef(self, name, values=(), *, src=None, start=0, end=0):
    _s_TypeRef_src(self, src)
    _s_TypeRef_start(self, start)
    _s_TypeRef_end(self, end)
    _s_TypeRef_name(self, name)
    _s_TypeRef_values(self, values)


def _at_TypeRef(src, start, end, name, values):
    self = _new(_cls_TypeRef)
    _s_TypeRef_src(self, src)
    _s_TypeRef_start(self, start)
    _s_TypeRef_end(self, end)
    _s_TypeRef_name(self, name)
    _s_TypeRef_values(self, values)
    return self


def _eq_TypeRef(self, other):
    if other.__class__ is self.__class__:
        return (self.name,self.values,) == (other.name,other.values,)
    return NotImplemented


def _hash_TypeRef(self):
    return hash((self.name,self.values,))


def _init_FieldDecl(self, name, type, about=None, *, src=None, start=0, end=0):
    _s_FieldDecl_src(self, src)
    _s_FieldDecl_start(self, start)
    _s_FieldDecl_end(self, end)
    _s_FieldDecl_name(self, name)
    _s_FieldDecl_type(self, type)
    _s_FieldDecl_about(self, about)


def _at_FieldDecl(src, start, end, name, type, about):
    self = _new(_cls_FieldDecl)
    _s_FieldDecl_src(self, src)
    _s_FieldDecl_start(self, start)
    _s_FieldDecl_end(self, end)
    _s_FieldDecl_name(self, name)
    _s_FieldDecl_type(self, type)
    _s_FieldDecl_about(self, about)
    return self


def _eq_FieldDecl(self, other):
    if other.__class__ is self.__class__:
        return (self.name,self.type,self.about,) == (other.name,other.type,other.about,)
    return NotImplemented


def _hash_FieldDecl(self):
    return hash((self.name,self.type,self.about,))


def _init_SignalDecl(self, name, about, when, fires, quiet, *, src=None, start=0, end=0):
    _s_SignalDecl_src(self, src)
    _s_SignalDecl_start(self, start)
    _s_SignalDecl_end(self, end)
    _s_SignalDecl_name(self, name)
    _s_SignalDecl_about(self, about)
    _s_SignalDecl_when(self, when)
    _s_SignalDecl_fires(self, fires)
    _s_SignalDecl_quiet(self, quiet)


def _at_SignalDecl(src, start, end, name, about, when, fires, quiet):
    self = _new(_cls_SignalDecl)
    _s_SignalDecl_src(self, src)
    _s_SignalDecl_start(self, start)
    _s_SignalDecl_end(self, end)
    _s_SignalDecl_name(self, name)
    _s_SignalDecl_about(self, about)
    _s_SignalDecl_when(self, when)
    _s_SignalDecl_fires(self, fires)
    _s_SignalDecl_quiet(self, quiet)
    return self


def _eq_SignalDecl(self, other):
    if other.__class__ is self.__class__:
        return (self.name,self.about,self.when,self.fires,self.quiet,) == (other.name,other.about,other.when,other.fires,other.quiet,)
    return NotImplemented


def _hash_SignalDecl(self):
    return hash((self.name,self.about,self.when,self.fires,self.quiet,))


def _init_ScorerDecl(self, name, about, weights, *, src=None, start=0, end=0):
    _s_ScorerDecl_src(self, src)
    _s_ScorerDecl_start(self, start)
    _s_ScorerDecl_end(self, end)
    _s_ScorerDecl_name(self, name)
    _s_ScorerDecl_about(self, about)
    _s_ScorerDecl_weights(self, weights)


def _at_ScorerDecl(src, start, end, name, about, weights):
    self = _new(_cls_ScorerDecl)
    _s_ScorerDecl_src(self, src)
    _s_ScorerDecl_start(self, start)
    _s_ScorerDecl_end(self, end)
    _s_ScorerDecl_name(self, name)
    _s_ScorerDecl_about(self, about)
    _s_ScorerDecl_weights(self, weights)
    return self


def _eq_ScorerDecl(self, other):
    if other.__class__ is self.__class__:
        return (self.name,self.about,self.weights,) == (other.name,other.about,other.weights,)
    return NotImplemented


def _hash_ScorerDecl(self):
    return hash((self.name,self.about,self.weights,))


def _init_PhraseBank(self, name, about, phrases, *, src=None, start=0, end=0):
    _s_PhraseBank_src(self, src)
    _s_PhraseBank_start(self, start)
    _s_PhraseBank_end(self, end)
    _s_PhraseBank_name(self, name)
    _s_PhraseBank_about(self, about)
    _s_PhraseBank_phrases(self, phrases)


def _at_PhraseBank(src, start, end, name, about, phrases):
    self = _new(_cls_PhraseBank)
    _s_PhraseBank_src(self, src)
    _s_PhraseBank_start(self, start)
    _s_PhraseBank_end(self, end)
    _s_PhraseBank_name(self, name)
    _s_PhraseBank_about(self, about)
    _s_PhraseBank_phrases(self, phrases)
    return self


def _eq_PhraseBank(self, other):
    if other.__class__ is self.__class__:
        return (self.name,self.about,self.phrases,) == (other.name,other.about,other.phrases,)
    return NotImplemented


def _hash_PhraseBank(self):
    return hash((self.name,self.about,self.phrases,))


def _init_StyleDecl(self, name, about, avoid, prefer, severity, *, src=None, start=0, end=0):
    _s_StyleDecl_src(self, src)
    _s_StyleDecl_start(self, start)
    _s_StyleDecl_end(self, end)
    _s_StyleDecl_name(self, name)
    _s_StyleDecl_about(self, about)
    _s_StyleDecl_avoid(self, avoid)
    _s_StyleDecl_prefer(self, prefer)
    _s_StyleDecl_severity(self, severity)


def _at_StyleDecl(src, start, end, name, about, avoid, prefer, severity):
    self = _new(_cls_StyleDecl)
    _s_StyleDecl_src(self, src)
    _s_StyleDecl_start(self, start)
    _s_StyleDecl_end(self, end)
    _s_StyleDecl_name(self, name)
    _s_StyleDecl_about(self, about)
    _s_StyleDecl_avoid(self, avoid)
    _s_StyleDecl_prefer(self, prefer)
    _s_StyleDecl_severity(self, severity)
    return self


def _eq_StyleDecl(self, other):
    if other.__class__ is self.__class__:
        return (self.name,self.about,self.avoid,self.prefer,self.severity,) == (other.name,other.about,other.avoid,other.prefer,other.severity,)
    return NotImplemented


def _hash_StyleDecl(self):
    return hash((self.name,self.about,self.avoid,self.prefer,self.severity,))


def _init_Guard(self, when, alias, reason, *, src=None, start=0, end=0):
    _s_Guard_src(self, src)
    _s_Guard_start(self, start)
    _s_Guard_end(self, end)
    _s_Guard_when(self, when)
    _s_Guard_alias(self, alias)
    _s_Guard_reason(self, reason)


def _at_Guard(src, start, end, when, alias, reason):
    self = _new(_cls_Guard)
    _s_Guard_src(self, src)
    _s_Guard_start(self, start)
    _s_Guard_end(self, end)
    _s_Guard_when(self, when)
    _s_Guard_alias(self, alias)
    _s_Guard_reason(self, reason)
    return self


def _eq_Guard(self, other):
    if other.__class__ is self.__class__:
        return (self.when,self.alias,self.reason,) == (other.when,other.alias,other.reason,)
    return NotImplemented


def _hash_Guard(self):
    return hash((self.when,self.alias,self.reason,))


def _init_Escalate(self, team, when, alias, handoff, *, src=None, start=0, end=0):
    _s_Escalate_src(self, src)
    _s_Escalate_start(self, start)
    _s_Escalate_end(self, end)
    _s_Escalate_team(self, team)
    _s_Escalate_when(self, when)
    _s_Escalate_alias(self, alias)
    _s_Escalate_handoff(self, handoff)


def _at_Escalate(src, start, end, team, when, alias, handoff):
    self = _new(_cls_Escalate)
    _s_Escalate_src(self, src)
    _s_Escalate_start(self, start)
    _s_Escalate_end(self, end)
    _s_Escalate_team(self, team)
    _s_Escalate_when(self, when)
    _s_Escalate_alias(self, alias)
    _s_Escalate_handoff(self, handoff)
    return self


def _eq_Escalate(self, other):
    if other.__class__ is self.__class__:
        return (self.team,self.when,self.alias,self.handoff,) == (other.team,other.when,other.alias,other.handoff,)
    return NotImplemented


def _hash_Escalate(self):
    return hash((self.team,self.when,self.alias,self.handoff,))


def _init_PolicyDecl(self, name, about, items, *, src=None, start=0, end=0):
    _s_PolicyDecl_src(self, src)
    _s_PolicyDecl_start(self, start)
    _s_PolicyDecl_end(self, end)
    _s_PolicyDecl_name(self, name)
    _s_PolicyDecl_about(self, about)
    _s_PolicyDecl_items(self, items)


def _at_PolicyDecl(src, start, end, name, about, items):
    self = _new(_cls_PolicyDecl)
    _s_PolicyDecl_src(self, src)
    _s_PolicyDecl_start(self, start)
    _s_PolicyDecl_end(self, end)
    _s_PolicyDecl_name(self, name)
    _s_PolicyDecl_about(self, about)
    _s_PolicyDecl_items(self, items)
    return self


def _eq_PolicyDecl(self, other):
    if other.__class__ is self.__class__:
        return (self.name,self.about,self.items,) == (other.name,other.about,other.items,)
    return NotImplemented


def _hash_PolicyDecl(self):
    return hash((self.name,self.about,self.items,))


def _init_Owner(self, team, *, src=None, start=0, end=0):
    _s_Owner_src(self, src)
    _s_Owner_start(self, start)
    _s_Owner_end(self, end)
    _s_Owner_team(self, team)


def _at_Owner(src, start, end, team):
    self = _new(_cls_Owner)
    _s_Owner_src(self, src)
    _s_Owner_start(self, start)
    _s_Owner_end(self, end)
    _s_Owner_team(self, team)
    return self


def _eq_Owner(self, other):
    if other.__class__ is self.__class__:
        return (self.team,) == (other.team,)
    return NotImplemented


def _hash_Owner(self):
    return hash((self.team,))


def _init_Tags(self, names, *, src=None, start=0, end=0):
    _s_Tags_src(self, src)
    _s_Tags_start(self, start)
    _s_Tags_end(self, end)
    _s_Tags_names(self, names)


def _at_Tags(src, start, end, names):
    self = _new(_cls_Tags)
    _s_Tags_src(self, src)
    _s_Tags_start(self, start)
    _s_Tags_end(self, end)
    _s_Tags_names(self, names)
    return self


def _eq_Tags(self, other):
    if other.__class__ is self.__class__:
        return (self.names,) == (other.names,)
    return NotImplemented


def _hash_Tags(self):
    return hash((self.names,))


def _init_Serves(self, visibilities, *, src=None, start=0, end=0):
    _s_Serves_src(self, src)
    _s_Serves_start(self, start)
    _s_Serves_end(self, end)
    _s_Serves_visibilities(self, visibilities)


def _at_Serves(src, start, end, visibilities):
    self = _new(_cls_Serves)
    _s_Serves_src(self, src)
    _s_Serves_start(self, start)
    _s_Serves_end(self, end)
    _s_Serves_visibilities(self, visibilities)
    return self


def _eq_Serves(self, other):
    if other.__class__ is self.__class__:
        return (self.visibilities,) == (other.visibilities,)
    return NotImplemented


def _hash_Serves(self):
    return hash((self.visibilities,))


def _init_About(self, text, *, src=None, start=0, end=0):
    _s_About_src(self, src)
    _s_About_start(self, start)
    _s_About_end(self, end)
    _s_About_text(self, text)


def _at_About(src, start, end, text):
    self = _new(_cls_About)
    _s_About_src(self, src)
    _s_About_start(self, start)
    _s_About_end(self, end)
    _s_About_text(self, text)
    return self


def _eq_About(self, other):
    if other.__class__ is self.__class__:
        return (self.text,) == (other.text,)
    return NotImplemented


def _hash_About(self):
    return hash((self.text,))


def _init_Slot(self, name, flags, patterns=(), examples=(), abouts=(), *, src=None, start=0, end=0):
    _s_Slot_src(self, src)
    _s_Slot_start(self, start)
    _s_Slot_end(self, end)
    _s_Slot_name(self, name)
    _s_Slot_flags(self, flags)
    _s_Slot_patterns(self, patterns)
    _s_Slot_examples(self, examples)
    _s_Slot_abouts(self, abouts)


def _at_Slot(src, start, end, name, flags, patterns, examples, abouts):
    self = _new(_cls_Slot)
    _s_Slot_src(self, src)
    _s_Slot_start(self, start)
    _s_Slot_end(self, end)
    _s_Slot_name(self, name)
    _s_Slot_flags(self, flags)
    _s_Slot_patterns(self, patterns)
    _s_Slot_examples(self, examples)
    _s_Slot_abouts(self, abouts)
    return self


def _eq_Slot(self, other):
    if other.__class__ is self.__class__:
        return (self.name,self.flags,self.patterns,self.examples,self.abouts,) == (other.name,other.flags,other.patterns,other.examples,other.abouts,)
    return NotImplemented


def _hash_Slot(self):
    return hash((self.name,self.flags,self.patterns,self.examples,self.abouts,))


def _init_Except(self, name, reason, *, src=None, start=0, end=0):
    _s_Except_src(self, src)
    _s_Except_start(self, start)
    _s_Except_end(self, end)
    _s_Except_name(self, name)
    _s_Except_reason(self, reason)


def _at_Except(src, start, end, name, reason):
    self = _new(_cls_Except)
    _s_Except_src(self, src)
    _s_Except_start(self, start)
    _s_Except_end(self, end)
    _s_Except_name(self, name)
    _s_Except_reason(self, reason)
    return self


def _eq_Except(self, other):
    if other.__class__ is self.__class__:
        return (self.name,self.reason,) == (other.name,other.reason,)
    return NotImplemented


def _hash_Except(self):
    return hash((self.name,self.reason,))


def _init_Move(self, kind, text=None, pick=None, *, src=None, start=0, end=0):
    _s_Move_src(self, src)
    _s_Move_start(self, start)
    _s_Move_end(self, end)
    _s_Move_kind(self, kind)
    _s_Move_text(self, text)
    _s_Move_pick(self, pick)


def _at_Move(src, start, end, kind, text, pick):
    self = _new(_cls_Move)
    _s_Move_src(self, src)
    _s_Move_start(self, start)
    _s_Move_end(self, end)
    _s_Move_kind(self, kind)
    _s_Move_text(self, text)
    _s_Move_pick(self, pick)
    return self


def _eq_Move(self, other):
    if other.__class__ is self.__class__:
        return (self.kind,self.text,self.pick,) == (other.kind,other.text,other.pick,)
    return NotImplemented


def _hash_Move(self):
    return hash((self.kind,self.text,self.pick,))


def _init_Reply(self, visibility, when, moves, *, src=None, start=0, end=0):
    _s_Reply_src(self, src)
    _s_Reply_start(self, start)
    _s_Reply_end(self, end)
    _s_Reply_visibility(self, visibility)
    _s_Reply_when(self, when)
    _s_Reply_moves(self, moves)


def _at_Reply(src, start, end, visibility, when, moves):
    self = _new(_cls_Reply)
    _s_Reply_src(self, src)
    _s_Reply_start(self, start)
    _s_Reply_end(self, end)
    _s_Reply_visibility(self, visibility)
    _s_Reply_when(self, when)
    _s_Reply_moves(self, moves)
    return self


def _eq_Reply(self, other):
    if other.__class__ is self.__class__:
        return (self.visibility,self.when,self.moves,) == (other.visibility,other.when,other.moves,)
    return NotImplemented


def _hash_Reply(self):
    return hash((self.visibility,self.when,self.moves,))


def _init_Value(self, kind, value, *, src=None, start=0, end=0):
    _s_Value_src(self, src)
    _s_Value_start(self, start)
    _s_Value_end(self, end)
    _s_Value_kind(self, kind)
    _s_Value_value(self, value)


def _at_Value(src, start, end, kind, value):
    self = _new(_cls_Value)
    _s_Value_src(self, src)
    _s_Value_start(self, start)
    _s_Value_end(self, end)
    _s_Value_kind(self, kind)
    _s_Value_value(self, value)
    return self


def _eq_Value(self, other):
    if other.__class__ is self.__class__:
        return (self.kind,self.value,) == (other.kind,other.value,)
    return NotImplemented


def _hash_Value(self):
    return hash((self.kind,self.value,))


def _init_Pair(self, key, value, *, src=None, start=0, end=0):
    _s_Pair_src(self, src)
    _s_Pair_start(self, start)
    _s_Pair_end(self, end)
    _s_Pair_key(self, key)
    _s_Pair_value(self, value)


def _at_Pair(src, start, end, key, value):
    self = _new(_cls_Pair)
    _s_Pair_src(self, src)
    _s_Pair_start(self, start)
    _s_Pair_end(self, end)
    _s_Pair_key(self, key)
    _s_Pair_value(self, value)
    return self


def _eq_Pair(self, other):
    if other.__class__ is self.__class__:
        return (self.key,self.value,) == (other.key,other.value,)
    return NotImplemented


def _hash_Pair(self):
    return hash((self.key,self.value,))


def _init_ExMessage(self, text, *, src=None, start=0, end=0):
    _s_ExMessage_src(self, src)
    _s_ExMessage_start(self, start)
    _s_ExMessage_end(self, end)
    _s_ExMessage_text(self, text)


def _at_ExMessage(src, start, end, text):
    self = _new(_cls_ExMessage)
    _s_ExMessage_src(self, src)
    _s_ExMessage_start(self, start)
    _s_ExMessage_end(self, end)
    _s_ExMessage_text(self, text)
    return self


def _eq_ExMessage(self, other):
    if other.__class__ is self.__class__:
        return (self.text,) == (other.text,)
    return NotImplemented


def _hash_ExMessage(self):
    return hash((self.text,))


def _init_ExChannel(self, name, visibility=None, *, src=None, start=0, end=0):
    _s_ExChannel_src(self, src)
    _s_ExChannel_start(self, start)
    _s_ExChannel_end(self, end)
    _s_ExChannel_name(self, name)
    _s_ExChannel_visibility(self, visibility)


def _at_ExChannel(src, start, end, name, visibility):
    self = _new(_cls_ExChannel)
    _s_ExChannel_src(self, src)
    _s_ExChannel_start(self, start)
    _s_ExChannel_end(self, end)
    _s_ExChannel_name(self, name)
    _s_ExChannel_visibility(self, visibility)
    return self


def _eq_ExChannel(self, other):
    if other.__class__ is self.__class__:
        return (self.name,self.visibility,) == (other.name,other.visibility,)
    return NotImplemented


def _hash_ExChannel(self):
    return hash((self.name,self.visibility,))


def _init_ExContext(self, pairs, *, src=None, start=0, end=0):
    _s_ExContext_src(self, src)
    _s_ExContext_start(self, start)
    _s_ExContext_end(self, end)
    _s_ExContext_pairs(self, pairs)


def _at_ExContext(src, start, end, pairs):
    self = _new(_cls_ExContext)
    _s_ExContext_src(self, src)
    _s_ExContext_start(self, start)
    _s_ExContext_end(self, end)
    _s_ExContext_pairs(self, pairs)
    return self


def _eq_ExContext(self, other):
    if other.__class__ is self.__class__:
        return (self.pairs,) == (other.pairs,)
    return NotImplemented


def _hash_ExContext(self):
    return hash((self.pairs,))


def _init_ExSlots(self, pairs, *, src=None, start=0, end=0):
    _s_ExSlots_src(self, src)
    _s_ExSlots_start(self, start)
    _s_ExSlots_end(self, end)
    _s_ExSlots_pairs(self, pairs)


def _at_ExSlots(src, start, end, pairs):
    self = _new(_cls_ExSlots)
    _s_ExSlots_src(self, src)
    _s_ExSlots_start(self, start)
    _s_ExSlots_end(self, end)
    _s_ExSlots_pairs(self, pairs)
    return self


def _eq_ExSlots(self, other):
    if other.__class__ is self.__class__:
        return (self.pairs,) == (other.pairs,)
    return NotImplemented


def _hash_ExSlots(self):
    return hash((self.pairs,))


def _init_Expect(self, kind, name=None, when=None, text=None, *, src=None, start=0, end=0):
    _s_Expect_src(self, src)
    _s_Expect_start(self, start)
    _s_Expect_end(self, end)
    _s_Expect_kind(self, kind)
    _s_Expect_name(self, name)
    _s_Expect_when(self, when)
    _s_Expect_text(self, text)


def _at_Expect(src, start, end, kind, name, when, text):
    self = _new(_cls_Expect)
    _s_Expect_src(self, src)
    _s_Expect_start(self, start)
    _s_Expect_end(self, end)
    _s_Expect_kind(self, kind)
    _s_Expect_name(self, name)
    _s_Expect_when(self, when)
    _s_Expect_text(self, text)
    return self


def _eq_Expect(self, other):
    if other.__class__ is self.__class__:
        return (self.kind,self.name,self.when,self.text,) == (other.kind,other.name,other.when,other.text,)
    return NotImplemented


def _hash_Expect(self):
    return hash((self.kind,self.name,self.when,self.text,))


def _init_Example(self, name, items, *, src=None, start=0, end=0):
    _s_Example_src(self, src)
    _s_Example_start(self, start)
    _s_Example_end(self, end)
    _s_Example_name(self, name)
    _s_Example_items(self, items)


def _at_Example(src, start, end, name, items):
    self = _new(_cls_Example)
    _s_Example_src(self, src)
    _s_Example_start(self, start)
    _s_Example_end(self, end)
    _s_Example_name(self, name)
    _s_Example_items(self, items)
    return self


def _eq_Example(self, other):
    if other.__class__ is self.__class__:
        return (self.name,self.items,) == (other.name,other.items,)
    return NotImplemented


def _hash_Example(self):
    return hash((self.name,self.items,))


def _init_FrameworkDecl(self, intent, title, members, *, src=None, start=0, end=0):
    _s_FrameworkDecl_src(self, src)
    _s_FrameworkDecl_start(self, start)
    _s_FrameworkDecl_end(self, end)
    _s_FrameworkDecl_intent(self, intent)
    _s_FrameworkDecl_title(self, title)
    _s_FrameworkDecl_members(self, members)


def _at_FrameworkDecl(src, start, end, intent, title, members):
    self = _new(_cls_FrameworkDecl)
    _s_FrameworkDecl_src(self, src)
    _s_FrameworkDecl_start(self, start)
    _s_FrameworkDecl_end(self, end)
    _s_FrameworkDecl_intent(self, intent)
    _s_FrameworkDecl_title(self, title)
    _s_FrameworkDecl_members(self, members)
    return self


def _eq_FrameworkDecl(self, other):
    if other.__class__ is self.__class__:
        return (self.intent,self.title,self.members,) == (other.intent,other.title,other.members,)
    return NotImplemented


def _hash_FrameworkDecl(self):
    return hash((self.intent,self.title,self.members,))


def _init_Module(self, name, path, entries, comments=(), *, src=None, start=0, end=0):
    _s_Module_src(self, src)
    _s_Module_start(self, start)
    _s_Module_end(self, end)
    _s_Module_name(self, name)
    _s_Module_path(self, path)
    _s_Module_entries(self, entries)
    _s_Module_comments(self, comments)


def _at_Module(src, start, end, name, path, entries, comments):
    self = _new(_cls_Module)
    _s_Module_src(self, src)
    _s_Module_start(self, start)
    _s_Module_end(self, end)
    _s_Module_name(self, name)
    _s_Module_path(self, path)
    _s_Module_entries(self, entries)
    _s_Module_comments(self, comments)
    return self


def _eq_Module(self, other):
    if other.__class__ is self.__class__:
        return (self.name,self.path,self.entries,self.comments,) == (other.name,other.path,other.entries,other.comments,)
    return NotImplemented


def _hash_Module(self):
    return hash((self.name,self.path,self.entries,self.comments,))
