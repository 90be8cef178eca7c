# msg: list.eml plain.eml
require "include";
include :personal "lists";
