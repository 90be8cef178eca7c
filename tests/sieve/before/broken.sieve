require "fileinto";
fileinto :bogus "X";
