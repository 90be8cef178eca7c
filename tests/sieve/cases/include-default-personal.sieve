# msg: list.eml
require "include";
include "lists";
